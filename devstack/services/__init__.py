"""One launcher per local service: how to install, start and health-check it."""
