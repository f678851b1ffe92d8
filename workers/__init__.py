"""Operations: the ``edu`` command, the dev stack, and (later) the relay and the RQ workers."""
