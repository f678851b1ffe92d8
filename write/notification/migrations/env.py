from write.migrations import run_migrations
from write.notification.models import Base

run_migrations(Base.metadata)
