from sqlalchemy.orm import DeclarativeBase

from write.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
