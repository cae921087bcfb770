// Numbers of the AsyncMQ payload as AsyncMQ's Python code spells them in JSON.
#pragma once

#include "pg.hpp"

namespace asyncmq {

// A numeric Datum spelt as Python writes a float: 2.0, 1.5, 1795610739.179703. ERROR 22003 for
// NaN and the infinities, which JSON cannot hold.
Datum float_number(double value);

// A numeric Datum spelt as Python writes an int when the value is integral (600), else a float.
Datum int_or_float_number(double value);

// A numeric Datum of the number as text spells it (a JSON number kept as the caller wrote it).
Datum numeric_from(const char *text);

// The text of a numeric Datum.
char *numeric_text(Datum number);

// A JSON number's text as a double, as Python's json module reads it into a float. ERROR 22003
// when it is beyond a double's range (1e400).
double float_of(const char *text);

} // namespace asyncmq
