"""The hand-written courses of the demo teacher (seed.plan puts them first, published, in every scale)."""

DEMO_COURSES = [
    {
        "title": "Python for Data Analysis",
        "description": "Load, clean and explore real data sets with **pandas** and plot what you find.",
        "category": "data-science",
        "level": "beginner",
        "price": "0",
        "language": "en",
        "modules": [
            (
                "Getting started",
                [
                    ("Installing Python and Jupyter", "Install Python 3.11 and start `jupyter lab`.", 8, True),
                    ("Your first DataFrame", "Read a CSV with `pd.read_csv` and look at `df.head()`.", 12, False),
                ],
            ),
            (
                "Cleaning data",
                [
                    ("Missing values", "Find them with `df.isna().sum()`; decide to drop or fill.", 15, False),
                    ("Tidy columns", "Rename, retype and split columns so each holds one fact.", 14, False),
                ],
            ),
        ],
    },
    {
        "title": "Modern JavaScript from Scratch",
        "description": "Variables, functions, modules and `async`/`await`, taught through small projects.",
        "category": "web-development",
        "level": "beginner",
        "price": "19.99",
        "language": "en",
        "modules": [
            (
                "The language",
                [
                    ("let, const and scope", "Why `var` surprises people, and what to use instead.", 10, True),
                    ("Functions and closures", "A closure remembers the variables around it.", 16, False),
                ],
            ),
            (
                "Asynchronous code",
                [
                    ("Promises", "A promise is a value that arrives later.", 18, False),
                    ("async and await", "Write asynchronous code that reads top to bottom.", 14, False),
                ],
            ),
        ],
    },
    {
        "title": "Music Theory for Guitarists",
        "description": "Scales, chords and the circle of fifths, explained on the fretboard.",
        "category": "music",
        "level": "intermediate",
        "price": "29",
        "language": "en",
        "modules": [
            (
                "Harmony",
                [
                    ("The major scale", "Whole, whole, half, whole, whole, whole, half.", 12, True),
                    ("Building triads", "Stack thirds on every degree of the scale.", 15, False),
                ],
            ),
        ],
    },
    {
        "title": "Español conversacional",
        "description": "Habla español desde la primera lección: saludos, preguntas y pequeñas historias.",
        "category": "languages",
        "level": "beginner",
        "price": "12.50",
        "language": "es",
        "modules": [
            (
                "Primeros pasos",
                [
                    ("Saludos", "*¡Hola!*, *¿qué tal?* y cómo responder.", 9, True),
                    ("Preguntas básicas", "¿Cómo te llamas? ¿De dónde eres?", 11, False),
                ],
            ),
        ],
    },
    {
        "title": "Interface Design Fundamentals",
        "description": "Hierarchy, spacing, colour and type: design screens people understand at a glance.",
        "category": "design",
        "level": "advanced",
        "price": "49",
        "language": "en",
        "modules": [
            (
                "Layout",
                [
                    ("Visual hierarchy", "Size, weight and position tell the eye where to go.", 13, True),
                    ("Spacing systems", "A 4-point scale keeps every gap consistent.", 12, False),
                ],
            ),
            (
                "Colour and type",
                [
                    ("Choosing a palette", "Start from one brand colour and derive the rest.", 17, False),
                ],
            ),
        ],
    },
]
