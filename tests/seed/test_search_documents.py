"""seed.search_documents: the benchmark's search documents are the seed's published courses, reproducibly."""

from seed.demo_courses import DEMO_COURSES
from seed.search_documents import course_documents


def test_n_documents_of_published_courses_the_same_for_the_same_seed():
    documents = list(course_documents(120, seed=3))

    assert len(documents) == 120 == len({d.id for d in documents})
    assert documents == list(course_documents(120, seed=3))
    assert [d.title for d in documents] != [d.title for d in course_documents(120, seed=4)]
    assert documents[0].title == DEMO_COURSES[0]["title"]
    assert all(d.lesson_titles and d.summary and d.teacher_name and d.published_at for d in documents)
    assert not any("**" in d.description or "## " in d.description for d in documents)
    reviewed = [d for d in documents if d.review_count]
    assert reviewed and all(1 <= d.rating_avg <= 5 for d in reviewed)
    assert sum(d.enrollment_count for d in documents) > 0
