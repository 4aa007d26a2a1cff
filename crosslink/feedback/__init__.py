"""What happened to the prompts: the downstream systems' workflow events, conformed into one
table (`events`), and each prompt's workflow state and trail derived from them (`workflow`)."""
