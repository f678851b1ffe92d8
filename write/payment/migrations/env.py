from write.migrations import run_migrations
from write.payment.models import Base

run_migrations(Base.metadata)
