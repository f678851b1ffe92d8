from write.identity.models import Base
from write.migrations import run_migrations

run_migrations(Base.metadata)
