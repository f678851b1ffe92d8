from write.migrations import run_migrations
from write.review.models import Base

run_migrations(Base.metadata)
