SELECT asyncmq_install();
