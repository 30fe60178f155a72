"""analysis: a stage of the pipeline (see README, "How the code is laid out")."""
