"""Stock alerts (inferred): the crossing rule, webhook delivery, signatures."""
