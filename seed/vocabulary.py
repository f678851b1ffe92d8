"""Subject vocabularies, one per category slug of ``write.catalog.categories``: what courses are about and
the words their titles, modules, lessons and bodies are made of.

Real topics and terms, so that typo, prefix and faceted searches over seeded data return meaningful,
varied results. ``{topic}``, ``{focus}`` and ``{term}`` in patterns are filled in by ``seed.prose``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    slug: str
    topics: tuple[str, ...]  # what a course is about: "Python", "Kubernetes", "Jazz Piano"
    focuses: tuple[str, ...]  # an angle on a topic: "Data Analysis", "Production"
    titles: tuple[str, ...]  # English course-title patterns
    modules: tuple[str, ...]  # module titles in teaching order (a course takes an ordered sample)
    lessons: tuple[str, ...]  # lesson-title patterns
    terms: tuple[str, ...]  # the field's words, for bodies, lists and descriptions
    code: str | None = None  # the fenced-code language of lesson snippets (None: no code blocks)


# The tables below are data, kept compact by hand (several items a line): the formatter leaves them be.
# fmt: off

# Patterns every subject may use besides its own.
COMMON_TITLES = (
    "{topic} for Beginners",
    "The Complete {topic} Course",
    "Mastering {topic}",
    "{topic}: {focus}",
    "Practical {topic}",
    "{topic} from Zero to Hero",
    "{topic} Fundamentals",
    "Advanced {topic}",
    "{focus} with {topic}",
    "{topic} Masterclass",
    "Hands-on {topic}",
    "{topic} in 30 Days",
    "Introduction to {topic}",
    "{topic} Essentials",
    "{topic} Bootcamp",
)

COMMON_MODULES_FIRST = ("Getting Started", "Welcome and Setup", "Foundations", "Before We Begin")
COMMON_MODULES_LAST = ("Final Project", "Putting It All Together", "Next Steps", "Capstone Project")

COMMON_LESSONS = (
    "Why {term} matters",
    "{term} in practice",
    "A first look at {term}",
    "Common mistakes with {term}",
    "Exercise: {term}",
    "Case study: {term}",
    "Quiz and recap",
    "Going deeper into {term}",
    "{term}, step by step",
    "Q&A: {term}",
)

SUBJECTS: tuple[Subject, ...] = (
    Subject(
        slug="programming",
        topics=(
            "Python", "Rust", "Go", "Java", "C#", "C++", "TypeScript", "Kotlin", "Swift", "Haskell",
            "Elixir", "Scala", "Ruby", "PHP", "C", "Clojure", "OCaml", "Julia", "Zig", "Erlang",
        ),
        focuses=(
            "Concurrency", "Testing", "Design Patterns", "Data Structures and Algorithms", "Clean Code",
            "Performance Tuning", "Functional Programming", "Object-Oriented Design", "Command-Line Tools",
            "Automation", "Systems Programming", "Memory Management", "Coding Interviews",
        ),
        titles=(
            "{topic} Programming for Beginners",
            "Mastering {topic} in Production",
            "Idiomatic {topic}",
            "{focus} in {topic}",
            "Effective {topic}",
            "{topic} the Right Way",
            "Learn {topic} by Building Projects",
        ),
        modules=(
            "Installing the Toolchain", "Syntax and Basic Types", "Control Flow", "Functions",
            "Collections", "Modules and Packages", "Error Handling", "Working with Files",
            "Object-Oriented Programming", "Generics and Traits", "Concurrency", "Testing Your Code",
            "Debugging and Profiling", "Packaging and Distribution",
        ),
        lessons=(
            "Installing {topic}", "Your first {topic} program", "Variables and types", "Loops and conditions",
            "Writing functions", "Lists, maps and sets", "Reading and writing files", "Handling errors",
            "Unit tests with {topic}", "Using the debugger", "Iterators and generators", "Closures",
            "Immutability", "Pattern matching", "Threads and tasks", "Profiling hot spots",
            "Dependency management", "Code style and linters", "Refactoring safely", "Benchmarking",
        ),
        terms=(
            "compiler", "interpreter", "type system", "closure", "iterator", "recursion", "hash map",
            "linked list", "unit test", "refactoring", "garbage collector", "stack trace", "generics",
            "interface", "immutability", "concurrency", "mutex", "async/await", "package manager", "linter",
            "big-O notation", "binary search", "memoization", "dependency injection",
        ),
        code="python",
    ),
    Subject(
        slug="web-development",
        topics=(
            "JavaScript", "React", "Vue.js", "Angular", "Svelte", "Next.js", "Node.js", "Django", "Flask",
            "FastAPI", "Ruby on Rails", "Laravel", "HTML and CSS", "Tailwind CSS", "GraphQL", "Express",
            "Spring Boot", "ASP.NET Core", "WebAssembly", "htmx",
        ),
        focuses=(
            "REST APIs", "Full-Stack Apps", "Authentication", "Responsive Design", "Web Performance",
            "Accessibility", "Server-Side Rendering", "Real-Time Apps with WebSockets", "Testing",
            "State Management", "Deployment", "Progressive Web Apps",
        ),
        titles=(
            "Modern {topic} from Scratch",
            "Build {focus} with {topic}",
            "{topic} for Web Developers",
            "The {topic} Handbook",
            "Full-Stack Development with {topic}",
        ),
        modules=(
            "Setting Up the Project", "HTML Semantics", "Styling with CSS", "The Language",
            "Components", "Routing", "Forms and Validation", "Talking to APIs", "State Management",
            "Authentication", "Databases and ORMs", "Testing", "Performance", "Deploying to Production",
        ),
        lessons=(
            "Project structure", "Your first component", "Props and state", "Handling events",
            "Fetching data", "Routing between pages", "Form validation", "Cookies and sessions",
            "JSON Web Tokens", "CSS Grid and Flexbox", "Media queries", "Lazy loading", "Caching headers",
            "Writing end-to-end tests", "Deploying with Docker", "Core Web Vitals", "Error boundaries",
            "Server-side rendering", "Optimistic updates", "Accessibility audits",
        ),
        terms=(
            "DOM", "component", "hook", "router", "middleware", "REST", "JSON", "CORS", "cookie", "session",
            "bundler", "TypeScript", "flexbox", "CSS grid", "media query", "hydration", "service worker",
            "WebSocket", "ORM", "migration", "template", "SEO", "accessibility", "lighthouse score",
        ),
        code="javascript",
    ),
    Subject(
        slug="mobile-development",
        topics=(
            "Flutter", "React Native", "SwiftUI", "Jetpack Compose", "Kotlin for Android", "iOS Development",
            "Android Development", "Dart", "Expo", "Ionic",
        ),
        focuses=(
            "Offline-First Apps", "Animations", "Push Notifications", "App Store Publishing",
            "Clean Architecture", "Testing", "Maps and Location", "In-App Purchases", "Accessibility",
        ),
        titles=(
            "Build Your First App with {topic}",
            "{topic}: Build 10 Real Apps",
            "{topic} for iOS and Android",
            "Professional {topic}",
        ),
        modules=(
            "Tools and Emulators", "Layouts and Widgets", "Navigation", "State", "Networking",
            "Local Storage", "Animations", "Device Features", "Notifications", "Testing",
            "Publishing to the Stores",
        ),
        lessons=(
            "Creating the project", "Running on a device", "Layouts and widgets", "Navigation stacks",
            "Lists that scroll fast", "Calling a REST API", "Storing data offline", "Using the camera",
            "Location and maps", "Push notifications", "Dark mode", "App icons and splash screens",
            "Signing the build", "Submitting for review",
        ),
        terms=(
            "widget", "view model", "navigation stack", "lifecycle", "state", "emulator", "gesture",
            "animation", "permissions", "push notification", "deep link", "SQLite", "app bundle",
            "hot reload", "accessibility label",
        ),
        code="dart",
    ),
    Subject(
        slug="data-science",
        topics=(
            "Python", "pandas", "R", "SQL", "NumPy", "Tableau", "Power BI", "Excel", "Statistics", "Polars",
            "Apache Spark", "dbt", "Jupyter", "Data Visualization", "A/B Testing",
        ),
        focuses=(
            "Data Analysis", "Exploratory Data Analysis", "Data Cleaning", "Dashboards", "Time Series",
            "Business Analytics", "Data Storytelling", "Statistical Inference", "Reporting", "Big Data",
        ),
        titles=(
            "{topic} for Data Analysis",
            "Data Science with {topic}",
            "{topic} for Analysts",
            "From Spreadsheets to {topic}",
            "Applied {focus}",
        ),
        modules=(
            "Setting Up Your Environment", "Loading Data", "Cleaning and Tidying", "Exploring Data",
            "Aggregation and Grouping", "Joining Data Sets", "Visualisation", "Statistics Refresher",
            "Hypothesis Testing", "Time Series", "Dashboards", "Reporting Results",
        ),
        lessons=(
            "Reading CSV and Parquet files", "Your first DataFrame", "Missing values", "Tidy columns",
            "Filtering rows", "Group by and aggregate", "Joins and merges", "Pivot tables",
            "Histograms and box plots", "Correlation is not causation", "Confidence intervals",
            "p-values explained", "Resampling time series", "Building a dashboard", "Window functions",
            "Outliers", "Sampling", "Telling the story",
        ),
        terms=(
            "DataFrame", "CSV", "Parquet", "missing values", "outlier", "median", "standard deviation",
            "histogram", "scatter plot", "correlation", "regression", "p-value", "confidence interval",
            "pivot table", "group by", "join", "window function", "time series", "dashboard", "KPI",
        ),
        code="python",
    ),
    Subject(
        slug="machine-learning",
        topics=(
            "Machine Learning", "Deep Learning", "PyTorch", "TensorFlow", "scikit-learn", "Large Language Models",
            "Computer Vision", "Natural Language Processing", "Reinforcement Learning", "MLOps",
            "Generative AI", "Recommender Systems", "XGBoost", "Transformers",
        ),
        focuses=(
            "Neural Networks", "Model Deployment", "Fine-Tuning", "Feature Engineering", "Prompt Engineering",
            "Classification", "Forecasting", "Retrieval-Augmented Generation", "Model Evaluation", "Embeddings",
        ),
        titles=(
            "{topic} A-Z",
            "{topic} with Python",
            "Practical {topic} for Engineers",
            "{topic}: Theory and Practice",
            "Build {focus} with {topic}",
        ),
        modules=(
            "The Learning Problem", "Preparing Data", "Linear Models", "Trees and Ensembles",
            "Neural Networks", "Training Loops", "Evaluation", "Convolutional Networks", "Sequence Models",
            "Transformers and Attention", "Fine-Tuning", "Deployment", "Monitoring Models",
        ),
        lessons=(
            "Train, validation and test sets", "Linear regression", "Logistic regression", "Decision trees",
            "Random forests", "Gradient boosting", "The perceptron", "Backpropagation", "Optimisers",
            "Overfitting and regularisation", "Cross-validation", "Precision and recall", "Embeddings",
            "Attention", "Fine-tuning a pretrained model", "Serving a model", "Data drift",
            "Hyperparameter search",
        ),
        terms=(
            "training set", "loss function", "gradient descent", "overfitting", "regularisation", "feature",
            "label", "neural network", "activation", "backpropagation", "embedding", "attention",
            "transformer", "tokenizer", "fine-tuning", "inference", "precision", "recall", "F1 score",
            "cross-validation", "hyperparameter", "batch size", "learning rate",
        ),
        code="python",
    ),
    Subject(
        slug="cloud-devops",
        topics=(
            "Kubernetes", "Docker", "Terraform", "AWS", "Azure", "Google Cloud", "Ansible", "GitHub Actions",
            "Linux Administration", "Prometheus", "Helm", "GitOps", "Nginx", "PostgreSQL Administration",
            "Site Reliability Engineering",
        ),
        focuses=(
            "Production", "CI/CD", "Infrastructure as Code", "Observability", "High Availability",
            "Cost Optimisation", "Security Hardening", "Disaster Recovery", "Autoscaling", "Certification Prep",
        ),
        titles=(
            "Mastering {topic} in Production",
            "{topic} for Developers",
            "{topic}: {focus}",
            "{topic} Certification Prep",
            "Zero-Downtime Deployments with {topic}",
        ),
        modules=(
            "Core Concepts", "Installing the Tools", "Containers", "Networking", "Storage",
            "Configuration and Secrets", "CI/CD Pipelines", "Infrastructure as Code", "Monitoring and Alerting",
            "Logging", "Scaling", "Security", "Troubleshooting", "Cost Control",
        ),
        lessons=(
            "Your first container", "Writing a Dockerfile", "Pods and deployments", "Services and ingress",
            "ConfigMaps and secrets", "Persistent volumes", "Rolling updates", "Health checks",
            "Writing a pipeline", "Terraform state", "Modules and workspaces", "Metrics and alerts",
            "Structured logging", "Horizontal autoscaling", "Least privilege", "Backups and restores",
            "Debugging a failing deployment", "Reading the billing report",
        ),
        terms=(
            "container", "image", "pod", "deployment", "service", "ingress", "node", "cluster", "namespace",
            "Helm chart", "pipeline", "artifact", "state file", "load balancer", "autoscaling", "SLO",
            "error budget", "alert", "dashboard", "IAM role", "VPC", "secret", "rollback",
        ),
        code="yaml",
    ),
    Subject(
        slug="cybersecurity",
        topics=(
            "Ethical Hacking", "Network Security", "Penetration Testing", "Web Application Security",
            "Cryptography", "Incident Response", "Security+", "Malware Analysis", "Cloud Security",
            "Threat Modeling", "OWASP Top 10", "Digital Forensics",
        ),
        focuses=(
            "Beginners", "Blue Teams", "Red Teams", "Developers", "Certification Prep", "Small Businesses",
            "Capture the Flag", "Zero Trust",
        ),
        titles=(
            "{topic} for {focus}",
            "The Complete {topic} Course",
            "{topic}: Hands-on Labs",
            "Practical {topic}",
        ),
        modules=(
            "The Threat Landscape", "Setting Up a Lab", "Reconnaissance", "Networks and Protocols",
            "Web Vulnerabilities", "Cryptography Basics", "Exploitation", "Defence in Depth",
            "Detection and Monitoring", "Incident Response", "Reporting",
        ),
        lessons=(
            "Building a home lab", "Port scanning with nmap", "SQL injection", "Cross-site scripting",
            "Cross-site request forgery", "Password hashing", "TLS explained", "Phishing", "Privilege escalation",
            "Reading logs", "Writing a report", "Threat modeling a login page", "Firewalls", "Hardening SSH",
        ),
        terms=(
            "vulnerability", "exploit", "payload", "firewall", "TLS", "certificate", "hash", "salt", "phishing",
            "SQL injection", "XSS", "CSRF", "privilege escalation", "SIEM", "IDS", "threat model",
            "least privilege", "multi-factor authentication", "zero-day", "patch",
        ),
        code="bash",
    ),
    Subject(
        slug="design",
        topics=(
            "Figma", "UX Design", "UI Design", "Graphic Design", "Adobe Illustrator", "Adobe Photoshop",
            "Typography", "Logo Design", "Design Systems", "Motion Design", "Blender", "Procreate",
            "Colour Theory", "Product Design", "Interaction Design",
        ),
        focuses=(
            "Beginners", "Mobile Apps", "Branding", "User Research", "Prototyping", "Accessibility",
            "Portfolios", "Illustration", "Web Design",
        ),
        titles=(
            "{topic} Fundamentals",
            "{topic} for {focus}",
            "Interface Design with {topic}",
            "The {topic} Workshop",
            "Design Like a Pro: {topic}",
        ),
        modules=(
            "Design Principles", "Tools of the Trade", "Layout and Grids", "Colour", "Typography",
            "Components", "Prototyping", "User Research", "Usability Testing", "Design Systems",
            "Handing Off to Developers", "Building a Portfolio",
        ),
        lessons=(
            "Visual hierarchy", "Spacing systems", "Choosing a palette", "Pairing typefaces", "Grids",
            "Auto layout", "Components and variants", "Wireframes", "Clickable prototypes", "User interviews",
            "Personas", "Usability tests", "Design tokens", "Contrast and accessibility", "Icons",
            "Presenting your work",
        ),
        terms=(
            "hierarchy", "contrast", "whitespace", "grid", "typeface", "kerning", "palette", "wireframe",
            "prototype", "persona", "user journey", "affordance", "component", "design token",
            "usability test", "mood board", "vector", "layer", "mask", "gradient",
        ),
    ),
    Subject(
        slug="photography",
        topics=(
            "Photography", "Portrait Photography", "Landscape Photography", "Street Photography",
            "Adobe Lightroom", "Smartphone Photography", "Food Photography", "Wildlife Photography",
            "Product Photography", "Astrophotography", "Wedding Photography", "Film Photography",
        ),
        focuses=(
            "Beginners", "Natural Light", "Composition", "Editing", "Low Light", "Your First Camera",
            "Making Money", "Black and White",
        ),
        titles=(
            "{topic} for {focus}",
            "{topic}: From Snapshots to Great Shots",
            "The Art of {topic}",
            "{topic} Masterclass",
        ),
        modules=(
            "Know Your Camera", "Exposure", "Light", "Composition", "Lenses", "Shooting in the Field",
            "Editing Workflow", "Colour Grading", "Printing and Sharing", "Building a Business",
        ),
        lessons=(
            "The exposure triangle", "Aperture and depth of field", "Shutter speed", "ISO and noise",
            "Golden hour", "Rule of thirds", "Leading lines", "Working with shadows", "Choosing a lens",
            "Shooting RAW", "White balance", "Editing in Lightroom", "Colour grading", "Exporting for the web",
        ),
        terms=(
            "aperture", "shutter speed", "ISO", "exposure", "depth of field", "focal length", "bokeh",
            "white balance", "RAW", "histogram", "golden hour", "composition", "rule of thirds", "prime lens",
            "tripod", "colour grading", "contrast",
        ),
    ),
    Subject(
        slug="video-production",
        topics=(
            "Video Editing", "DaVinci Resolve", "Adobe Premiere Pro", "Final Cut Pro", "YouTube",
            "Filmmaking", "After Effects", "Documentary Filmmaking", "Colour Grading", "Drone Filming",
            "Screenwriting for Film",
        ),
        focuses=(
            "Beginners", "YouTubers", "Short Films", "Storytelling", "Sound Design", "Social Media Video",
        ),
        titles=(
            "{topic} for {focus}",
            "Complete {topic} Course",
            "{topic}: Edit Like a Pro",
            "Cinematic {topic}",
        ),
        modules=(
            "Planning a Shoot", "Cameras and Settings", "Lighting", "Recording Sound", "Editing Basics",
            "Cutting for Story", "Colour", "Titles and Motion Graphics", "Exporting", "Publishing",
        ),
        lessons=(
            "Writing a shot list", "Frame rates", "Three-point lighting", "Recording clean audio",
            "The timeline", "J and L cuts", "Colour correction", "Adding titles", "Keyframes",
            "Export settings", "Thumbnails that get clicks",
        ),
        terms=(
            "frame rate", "shot list", "B-roll", "timeline", "cut", "transition", "colour correction", "LUT",
            "keyframe", "codec", "bitrate", "storyboard", "three-point lighting", "lavalier microphone",
        ),
    ),
    Subject(
        slug="music",
        topics=(
            "Piano", "Jazz Piano", "Guitar", "Acoustic Guitar", "Electric Guitar", "Music Theory", "Singing",
            "Drums", "Ableton Live", "Logic Pro", "Music Production", "Songwriting", "Violin", "Ukulele",
            "Bass Guitar", "Mixing and Mastering", "Classical Guitar",
        ),
        focuses=(
            "Beginners", "Improvisation", "Ear Training", "Reading Music", "Home Studios", "Chord Progressions",
            "Blues", "Rhythm",
        ),
        titles=(
            "{topic} for Beginners",
            "{topic}: {focus}",
            "Music Theory for {topic} Players",
            "Play {topic} in 30 Days",
            "{topic} Lessons: {focus}",
        ),
        modules=(
            "Getting to Know Your Instrument", "Rhythm and Timing", "Notes and Scales", "Chords",
            "Harmony", "Melody", "Technique", "Improvisation", "Playing by Ear", "Recording Yourself",
            "Your First Song",
        ),
        lessons=(
            "Posture and hand position", "The major scale", "Building triads", "Seventh chords",
            "The circle of fifths", "ii-V-I progressions", "The blues scale", "Counting rhythms",
            "Practising with a metronome", "Reading sheet music", "Ear training drills", "Your first song",
            "Recording at home", "EQ and compression",
        ),
        terms=(
            "scale", "chord", "triad", "interval", "key signature", "tempo", "metronome", "rhythm", "melody",
            "harmony", "circle of fifths", "arpeggio", "improvisation", "groove", "voicing", "cadence",
            "EQ", "compression", "reverb",
        ),
    ),
    Subject(
        slug="languages",
        topics=(
            "Spanish", "French", "German", "Italian", "Portuguese", "Japanese", "Mandarin Chinese", "Korean",
            "Arabic", "Russian", "Polish", "Dutch", "Swedish", "Turkish", "Hindi", "Greek", "English",
        ),
        focuses=(
            "Beginners", "Travellers", "Conversation", "Grammar", "Business", "Pronunciation",
            "Exam Preparation", "Everyday Situations",
        ),
        titles=(
            "{topic} for {focus}",
            "Conversational {topic}",
            "{topic} Grammar Made Easy",
            "Speak {topic} in 30 Days",
            "Business {topic}",
            "{topic} Pronunciation Bootcamp",
        ),
        modules=(
            "First Words", "Greetings and Introductions", "Pronunciation", "Numbers and Time",
            "Everyday Conversations", "Grammar Essentials", "Past and Future", "Travel", "Food and Shopping",
            "Work and Study", "Culture and Customs", "Review",
        ),
        lessons=(
            "The alphabet and sounds", "Saying hello", "Introducing yourself", "Numbers 1 to 100",
            "Telling the time", "Ordering food", "Asking for directions", "Present tense verbs",
            "Past tense", "Talking about plans", "At the hotel", "Small talk", "Writing an email",
            "Listening practice",
        ),
        terms=(
            "vocabulary", "pronunciation", "verb", "noun", "adjective", "conjugation", "tense", "accent",
            "listening", "speaking", "grammar", "phrase", "idiom", "flashcards", "spaced repetition",
        ),
    ),
    Subject(
        slug="writing",
        topics=(
            "Creative Writing", "Copywriting", "Technical Writing", "Fiction Writing", "Screenwriting",
            "Blogging", "Poetry", "Grant Writing", "Business Writing", "Memoir Writing", "UX Writing",
        ),
        focuses=(
            "Beginners", "Your First Novel", "Clarity", "Persuasion", "Editing", "Getting Published",
            "Storytelling",
        ),
        titles=("{topic} for {focus}", "{topic} Workshop", "The Craft of {topic}", "{topic}: {focus}"),
        modules=(
            "Finding Ideas", "Structure", "Characters", "Voice and Style", "Dialogue", "Drafting",
            "Editing and Revision", "Feedback", "Publishing",
        ),
        lessons=(
            "Beating the blank page", "Outlining", "Three-act structure", "Writing believable characters",
            "Show, don't tell", "Dialogue that works", "Point of view", "Cutting clutter", "Headlines",
            "Writing for the web", "Self-editing checklist", "Pitching to editors",
        ),
        terms=(
            "plot", "character", "voice", "point of view", "dialogue", "draft", "outline", "pacing", "theme",
            "headline", "call to action", "active voice", "editing", "manuscript", "style guide",
        ),
    ),
    Subject(
        slug="business",
        topics=(
            "Project Management", "Entrepreneurship", "Agile and Scrum", "Leadership", "Product Management",
            "Negotiation", "Business Strategy", "Public Speaking", "Excel for Business", "Startups",
            "Operations Management", "Sales", "Customer Success", "PMP",
        ),
        focuses=(
            "New Managers", "Startups", "Remote Teams", "Certification Prep", "Small Businesses",
            "Decision Making", "Growth",
        ),
        titles=("{topic} for {focus}", "{topic} Essentials", "The {topic} Playbook", "{topic}: {focus}"),
        modules=(
            "The Big Picture", "Planning", "Teams and People", "Processes", "Tools", "Communication",
            "Measuring Success", "Risk", "Scaling Up", "Case Studies",
        ),
        lessons=(
            "Writing a one-page plan", "Setting OKRs", "Running a sprint", "Stakeholder maps",
            "Giving feedback", "Running effective meetings", "Estimating work", "Risk registers",
            "Pricing your product", "Customer interviews", "Negotiation tactics", "Building a pitch deck",
        ),
        terms=(
            "stakeholder", "roadmap", "OKR", "KPI", "backlog", "sprint", "retrospective", "budget", "risk",
            "business model", "value proposition", "market fit", "delegation", "feedback", "negotiation",
        ),
    ),
    Subject(
        slug="finance",
        topics=(
            "Accounting", "Personal Finance", "Investing", "Financial Modeling", "Corporate Finance",
            "Bookkeeping", "Stock Trading", "Cryptocurrency", "Financial Analysis", "Tax Basics", "Real Estate",
            "Valuation",
        ),
        focuses=(
            "Beginners", "Small Businesses", "Retirement", "Excel", "Investment Banking", "Financial Freedom",
        ),
        titles=("{topic} for {focus}", "{topic} Made Simple", "The Complete {topic} Course", "{topic}: {focus}"),
        modules=(
            "Key Concepts", "Reading Financial Statements", "Budgets", "Cash Flow", "Valuation", "Risk",
            "Portfolios", "Taxes", "Modeling in Spreadsheets", "Case Studies",
        ),
        lessons=(
            "The balance sheet", "The income statement", "Cash flow statements", "Double-entry bookkeeping",
            "Compound interest", "Index funds", "Diversification", "Discounted cash flow", "Ratios",
            "Building a budget", "Emergency funds", "Capital gains",
        ),
        terms=(
            "balance sheet", "income statement", "cash flow", "asset", "liability", "equity", "revenue",
            "margin", "compound interest", "dividend", "index fund", "portfolio", "diversification",
            "discounted cash flow", "inflation", "valuation",
        ),
    ),
    Subject(
        slug="marketing",
        topics=(
            "Digital Marketing", "SEO", "Social Media Marketing", "Content Marketing", "Email Marketing",
            "Google Ads", "Facebook Ads", "Brand Strategy", "Marketing Analytics", "Affiliate Marketing",
            "Growth Hacking", "Instagram Marketing",
        ),
        focuses=(
            "Beginners", "Small Businesses", "E-commerce", "Lead Generation", "Startups", "Conversion",
        ),
        titles=("{topic} for {focus}", "{topic} Masterclass", "{topic}: {focus}", "The {topic} Blueprint"),
        modules=(
            "Know Your Audience", "Positioning", "Channels", "Content", "Paid Acquisition", "Email",
            "Analytics", "Conversion Optimisation", "Automation", "Planning a Campaign",
        ),
        lessons=(
            "Defining your audience", "Keyword research", "On-page SEO", "Writing a content calendar",
            "Your first ad campaign", "Landing pages", "A/B tests", "Email sequences", "Reading analytics",
            "Attribution", "Retargeting", "Influencer partnerships",
        ),
        terms=(
            "funnel", "conversion rate", "keyword", "backlink", "landing page", "call to action", "CTR", "CPC",
            "audience", "persona", "retargeting", "newsletter", "A/B test", "attribution", "brand voice",
        ),
    ),
    Subject(
        slug="mathematics",
        topics=(
            "Calculus", "Linear Algebra", "Statistics", "Probability", "Discrete Mathematics", "Algebra",
            "Geometry", "Trigonometry", "Number Theory", "Differential Equations", "Mathematics for Machine Learning",
        ),
        focuses=(
            "Beginners", "Engineers", "Exam Preparation", "Data Science", "Intuition", "Problem Solving",
        ),
        titles=("{topic} for {focus}", "{topic} Made Easy", "Understanding {topic}", "{topic}: {focus}"),
        modules=(
            "Foundations", "Functions", "Limits", "Derivatives", "Integrals", "Vectors", "Matrices",
            "Probability", "Proofs", "Applications", "Practice Problems",
        ),
        lessons=(
            "What is a function?", "Limits, intuitively", "The derivative", "The chain rule", "Integration by parts",
            "Vectors and dot products", "Matrix multiplication", "Eigenvalues", "Bayes' theorem",
            "Proof by induction", "Modular arithmetic", "Solving linear systems",
        ),
        terms=(
            "function", "limit", "derivative", "integral", "vector", "matrix", "eigenvalue", "probability",
            "random variable", "distribution", "proof", "theorem", "equation", "set", "graph", "prime number",
        ),
    ),
    Subject(
        slug="science",
        topics=(
            "Physics", "Chemistry", "Biology", "Astronomy", "Neuroscience", "Genetics", "Climate Science",
            "Quantum Mechanics", "Organic Chemistry", "Ecology", "Human Anatomy",
        ),
        focuses=("Beginners", "Curious Minds", "Students", "Exam Preparation", "Everyday Life"),
        titles=("{topic} for {focus}", "Introduction to {topic}", "{topic}: The Big Ideas", "Understanding {topic}"),
        modules=(
            "The Scientific Method", "Matter and Energy", "Forces", "Cells", "Evolution", "The Solar System",
            "Atoms and Molecules", "Reactions", "Experiments", "Open Questions",
        ),
        lessons=(
            "Measuring things", "Newton's laws", "Energy and work", "The periodic table", "Chemical bonds",
            "DNA and genes", "Natural selection", "Stars and galaxies", "The greenhouse effect",
            "How neurons fire", "Designing an experiment",
        ),
        terms=(
            "hypothesis", "experiment", "energy", "force", "mass", "atom", "molecule", "cell", "gene",
            "evolution", "ecosystem", "gravity", "wavelength", "reaction", "neuron",
        ),
    ),
    Subject(
        slug="personal-development",
        topics=(
            "Productivity", "Time Management", "Public Speaking", "Communication Skills", "Mindfulness",
            "Career Development", "Emotional Intelligence", "Habits", "Critical Thinking", "Memory Techniques",
            "Speed Reading",
        ),
        focuses=("Busy People", "Students", "Professionals", "Introverts", "Career Changers", "Everyday Life"),
        titles=("{topic} for {focus}", "{topic} Made Simple", "The {topic} Toolkit", "{topic}: {focus}"),
        modules=(
            "Where You Are Now", "Setting Goals", "Building Habits", "Focus", "Communication", "Confidence",
            "Resilience", "Planning Your Week", "Keeping It Going",
        ),
        lessons=(
            "Setting SMART goals", "The two-minute rule", "Time blocking", "Deep work", "Saying no",
            "Active listening", "Handling criticism", "Journaling", "Weekly reviews", "Overcoming procrastination",
        ),
        terms=(
            "habit", "goal", "focus", "routine", "mindset", "feedback", "resilience", "confidence",
            "priorities", "journal", "deep work", "procrastination", "active listening",
        ),
    ),
    Subject(
        slug="health-fitness",
        topics=(
            "Yoga", "Strength Training", "Nutrition", "Running", "Pilates", "Meditation", "Home Workouts",
            "Mobility", "Calisthenics", "Sleep Science", "Healthy Cooking",
        ),
        focuses=("Beginners", "Busy Parents", "Athletes", "Weight Loss", "Back Pain", "Flexibility", "Longevity"),
        titles=("{topic} for {focus}", "30 Days of {topic}", "The {topic} Program", "{topic}: {focus}"),
        modules=(
            "Before You Start", "Warm-up and Mobility", "Technique", "Building Strength", "Endurance",
            "Nutrition", "Recovery", "Your Weekly Plan", "Staying Motivated",
        ),
        lessons=(
            "Breathing basics", "Sun salutation", "The squat", "Deadlift technique", "Push-up progressions",
            "Your first 5K", "Macronutrients", "Meal prep", "Stretching routine", "Sleep and recovery",
            "Tracking progress",
        ),
        terms=(
            "warm-up", "mobility", "repetition", "set", "progressive overload", "cardio", "protein", "calories",
            "recovery", "posture", "core", "breathing", "flexibility", "heart rate",
        ),
    ),
)

SUBJECTS_BY_SLUG = {subject.slug: subject for subject in SUBJECTS}

# Courses are not spread evenly over subjects: tech and business dominate a marketplace.
SUBJECT_WEIGHTS = {
    "programming": 14,
    "web-development": 12,
    "mobile-development": 4,
    "data-science": 9,
    "machine-learning": 7,
    "cloud-devops": 6,
    "cybersecurity": 4,
    "design": 6,
    "photography": 3,
    "video-production": 2,
    "music": 5,
    "languages": 6,
    "writing": 2,
    "business": 6,
    "finance": 3,
    "marketing": 4,
    "mathematics": 3,
    "science": 2,
    "personal-development": 4,
    "health-fitness": 3,
}

# The code language of a topic's snippets where it differs from its subject's default.
TOPIC_CODE = {
    "Rust": "rust",
    "Go": "go",
    "Java": "java",
    "C#": "csharp",
    "C++": "cpp",
    "C": "c",
    "TypeScript": "typescript",
    "Kotlin": "kotlin",
    "Kotlin for Android": "kotlin",
    "Jetpack Compose": "kotlin",
    "Android Development": "kotlin",
    "Swift": "swift",
    "SwiftUI": "swift",
    "iOS Development": "swift",
    "Haskell": "haskell",
    "Ruby": "ruby",
    "Ruby on Rails": "ruby",
    "PHP": "php",
    "Laravel": "php",
    "Django": "python",
    "Flask": "python",
    "FastAPI": "python",
    "React Native": "javascript",
    "Expo": "javascript",
    "SQL": "sql",
    "dbt": "sql",
    "R": "r",
    "Excel": None,
    "Tableau": None,
    "Power BI": None,
    "Docker": "dockerfile",
    "Terraform": "hcl",
    "Linux Administration": "bash",
    "Nginx": "nginx",
    "PostgreSQL Administration": "sql",
    "HTML and CSS": "html",
    "Tailwind CSS": "html",
    "htmx": "html",
    "Spring Boot": "java",
    "ASP.NET Core": "csharp",
    "GraphQL": "graphql",
    "Scala": "scala",
    "Elixir": "elixir",
    "Clojure": "clojure",
    "OCaml": "ocaml",
    "Julia": "julia",
    "Zig": "zig",
    "Erlang": "erlang",
}

# Reference pages a lesson may link to (real, stable documentation sites).
TOPIC_DOCS = {
    "Python": "https://docs.python.org/3/",
    "pandas": "https://pandas.pydata.org/docs/",
    "NumPy": "https://numpy.org/doc/",
    "Rust": "https://doc.rust-lang.org/book/",
    "Go": "https://go.dev/doc/",
    "Java": "https://docs.oracle.com/en/java/",
    "TypeScript": "https://www.typescriptlang.org/docs/",
    "JavaScript": "https://developer.mozilla.org/en-US/docs/Web/JavaScript",
    "HTML and CSS": "https://developer.mozilla.org/en-US/docs/Web",
    "React": "https://react.dev/learn",
    "Vue.js": "https://vuejs.org/guide/",
    "Django": "https://docs.djangoproject.com/",
    "FastAPI": "https://fastapi.tiangolo.com/",
    "Kubernetes": "https://kubernetes.io/docs/home/",
    "Docker": "https://docs.docker.com/",
    "Terraform": "https://developer.hashicorp.com/terraform/docs",
    "PyTorch": "https://pytorch.org/docs/stable/",
    "scikit-learn": "https://scikit-learn.org/stable/user_guide.html",
    "Flutter": "https://docs.flutter.dev/",
    "Kotlin": "https://kotlinlang.org/docs/home.html",
    "Swift": "https://www.swift.org/documentation/",
    "SQL": "https://www.postgresql.org/docs/current/sql.html",
    "Figma": "https://help.figma.com/",
}
# fmt: on
