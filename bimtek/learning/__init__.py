"""Pre-test and post-test: a question bank per event, timed attempts on the manage link, scores and gain."""
