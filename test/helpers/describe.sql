-- Included by the install tests: pg_temp.describe(schema) lists every relation in a schema with
-- all that makes its definition (columns, defaults, constraints, indexes, sequences, owner,
-- extension membership), schema names removed, so two schemas can be compared line by line.
\set ECHO none
CREATE FUNCTION pg_temp.describe(nsp name) RETURNS SETOF text LANGUAGE sql AS $$
SELECT replace(line, quote_ident(nsp) || '.', '') FROM (
  SELECT format('relation %s kind=%s owned_by_me=%s persistence=%s options=%s extension_member=%s',
                c.relname, c.relkind, c.relowner = current_user::regrole, c.relpersistence, c.reloptions,
                EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                        AND d.objid = c.oid AND d.deptype = 'e'))
  FROM pg_class c WHERE c.relnamespace = nsp::regnamespace
  UNION ALL
  SELECT format('column %s.%s %s notnull=%s default=%s identity=%s generated=%s collation=%s',
                c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated, a.attcollation::regcollation)
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
  WHERE c.relnamespace = nsp::regnamespace AND c.relkind = 'r'
  UNION ALL
  SELECT format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = nsp::regnamespace
  UNION ALL
  SELECT format('index %s', pg_get_indexdef(i.indexrelid))
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = nsp::regnamespace
  UNION ALL
  SELECT format('sequence %s %s start=%s increment=%s min=%s max=%s cache=%s cycle=%s owned_by=%s',
                c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                s.seqcache, s.seqcycle,
                (SELECT t.relname || '.' || a.attname FROM pg_depend d
                 JOIN pg_class t ON t.oid = d.refobjid
                 JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a'))
  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = nsp::regnamespace
  UNION ALL
  SELECT format('type %s', t.typname) FROM pg_type t
  WHERE t.typnamespace = nsp::regnamespace AND t.typrelid = 0 AND t.typelem = 0
) lines(line) ORDER BY 1
$$;
-- Lines of schema a that b lacks, and the other way round: no rows when they are the same.
CREATE FUNCTION pg_temp.compare(a name, b name) RETURNS TABLE(side text, line text) LANGUAGE sql AS $$
  (SELECT 'only in ' || a, l FROM pg_temp.describe(a) l EXCEPT ALL SELECT 'only in ' || a, l FROM pg_temp.describe(b) l)
  UNION ALL
  (SELECT 'only in ' || b, l FROM pg_temp.describe(b) l EXCEPT ALL SELECT 'only in ' || b, l FROM pg_temp.describe(a) l)
  ORDER BY 1, 2
$$;
\set ECHO all
