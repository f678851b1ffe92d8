"""Review's routes: a student reviews a course they are enrolled in, and edits their own review.

Posting: 401 anonymous, 403 not a student or not enrolled (``not_enrolled``), 404 unknown course, 409
``already_reviewed``. Editing: only the author; anyone else's review, like an unknown one, is 404.
"""

import uuid

from fastapi import APIRouter, status

from write.identity.auth import Context, CurrentStudent, CurrentUser
from write.review import commands
from write.review.schemas import ReviewIn, ReviewOut, ReviewPatch

router = APIRouter()


@router.post(
    "/courses/{course_id}/reviews", status_code=status.HTTP_201_CREATED, response_model=ReviewOut, tags=["reviews"]
)
async def post_review(course_id: uuid.UUID, body: ReviewIn, ctx: Context, student: CurrentStudent) -> ReviewOut:
    """Rate a course you are enrolled in (1..5) and say why; one review per course (then edit it)."""
    return ReviewOut.of(await commands.post_review(ctx, student.id, course_id, body))


@router.patch("/reviews/{review_id}", response_model=ReviewOut, tags=["reviews"])
async def edit_review(review_id: uuid.UUID, body: ReviewPatch, ctx: Context, user: CurrentUser) -> ReviewOut:
    """Change the rating and/or the text of your own review; a patch that changes nothing records nothing."""
    return ReviewOut.of(await commands.edit_review(ctx, user.id, review_id, body))
