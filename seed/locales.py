"""The languages seeded courses are taught in, how often, and the words of the non-English ones.

Most of a marketplace is English; the rest get titles, descriptions, module and lesson titles in their own
language (lesson bodies stay English: see docs/adr/0006-bulk-seed.md).
"""

from dataclasses import dataclass

# ISO 639-1 code -> share of courses (weights).
LANGUAGE_WEIGHTS = {"en": 76, "es": 8, "pt": 5, "fr": 4, "de": 4, "it": 2, "pl": 1}


@dataclass(frozen=True)
class Locale:
    titles: tuple[str, ...]  # course-title patterns with {topic}
    descriptions: tuple[str, ...]  # opening sentences with {topic}
    modules: tuple[str, ...]  # module titles in teaching order
    lessons: tuple[str, ...]  # lesson-title patterns with {term}
    learn_heading: str  # "What you will learn"


# fmt: off
LOCALES = {
    "es": Locale(
        titles=("{topic} para principiantes", "Introducción a {topic}", "Curso completo de {topic}",
                "{topic} desde cero", "Domina {topic}", "{topic} práctico", "{topic} avanzado"),
        descriptions=("Aprende {topic} paso a paso, con ejemplos reales y ejercicios prácticos.",
                      "Un curso práctico de {topic} para avanzar a tu ritmo.",
                      "Todo lo que necesitas saber sobre {topic}, explicado con claridad."),
        modules=("Primeros pasos", "Conceptos básicos", "Práctica guiada", "Técnicas intermedias",
                 "Casos reales", "Técnicas avanzadas", "Proyecto final", "Repaso y siguientes pasos"),
        lessons=("Introducción a {term}", "{term} en la práctica", "Ejercicios: {term}", "Errores comunes con {term}",
                 "Repaso de {term}", "Caso práctico: {term}"),
        learn_heading="Lo que aprenderás",
    ),
    "pt": Locale(
        titles=("{topic} para iniciantes", "Dominando {topic}", "Curso completo de {topic}", "{topic} na prática",
                "Introdução a {topic}", "{topic} do zero ao avançado"),
        descriptions=("Aprenda {topic} passo a passo, com exemplos reais e exercícios práticos.",
                      "Um curso prático de {topic} para estudar no seu ritmo.",
                      "Tudo o que você precisa saber sobre {topic}, explicado com clareza."),
        modules=("Primeiros passos", "Conceitos básicos", "Prática guiada", "Técnicas intermediárias",
                 "Casos reais", "Técnicas avançadas", "Projeto final", "Revisão e próximos passos"),
        lessons=("Introdução a {term}", "{term} na prática", "Exercícios: {term}", "Erros comuns com {term}",
                 "Revisão de {term}", "Estudo de caso: {term}"),
        learn_heading="O que você vai aprender",
    ),
    "fr": Locale(
        titles=("{topic} pour les débutants", "Maîtriser {topic}", "Introduction à {topic}", "{topic} en pratique",
                "Le cours complet de {topic}", "{topic} avancé"),
        descriptions=("Apprenez {topic} pas à pas, avec des exemples concrets et des exercices pratiques.",
                      "Un cours pratique de {topic}, à suivre à votre rythme.",
                      "Tout ce qu'il faut savoir sur {topic}, expliqué clairement."),
        modules=("Premiers pas", "Les bases", "Pratique guidée", "Techniques intermédiaires", "Études de cas",
                 "Techniques avancées", "Projet final", "Bilan et suite"),
        lessons=("Introduction à {term}", "{term} en pratique", "Exercices : {term}", "Erreurs fréquentes : {term}",
                 "Révision : {term}", "Étude de cas : {term}"),
        learn_heading="Ce que vous allez apprendre",
    ),
    "de": Locale(
        titles=("{topic} für Einsteiger", "{topic} in der Praxis", "Meisterkurs {topic}", "Einführung in {topic}",
                "{topic} für Fortgeschrittene", "Der große {topic}-Kurs"),
        descriptions=("Lernen Sie {topic} Schritt für Schritt, mit echten Beispielen und praktischen Übungen.",
                      "Ein praxisnaher {topic}-Kurs in Ihrem eigenen Tempo.",
                      "Alles Wichtige über {topic}, klar erklärt."),
        modules=("Erste Schritte", "Grundlagen", "Geführte Übungen", "Fortgeschrittene Techniken", "Praxisbeispiele",
                 "Profi-Techniken", "Abschlussprojekt", "Rückblick und Ausblick"),
        lessons=("Einführung: {term}", "{term} in der Praxis", "Übungen: {term}", "Typische Fehler bei {term}",
                 "Wiederholung: {term}", "Fallstudie: {term}"),
        learn_heading="Was Sie lernen",
    ),
    "it": Locale(
        titles=("{topic} per principianti", "Corso completo di {topic}", "Introduzione a {topic}",
                "{topic} in pratica", "Padroneggiare {topic}"),
        descriptions=("Impara {topic} passo dopo passo, con esempi reali ed esercizi pratici.",
                      "Un corso pratico di {topic} da seguire con i tuoi tempi.",
                      "Tutto quello che serve sapere su {topic}, spiegato con chiarezza."),
        modules=("Primi passi", "Concetti di base", "Pratica guidata", "Tecniche intermedie", "Casi reali",
                 "Tecniche avanzate", "Progetto finale", "Riepilogo e prossimi passi"),
        lessons=("Introduzione a {term}", "{term} in pratica", "Esercizi: {term}", "Errori comuni con {term}",
                 "Ripasso: {term}", "Caso di studio: {term}"),
        learn_heading="Cosa imparerai",
    ),
    "pl": Locale(
        titles=("{topic} dla początkujących", "Kompletny kurs: {topic}", "Wprowadzenie do {topic}",
                "{topic} w praktyce", "{topic} od podstaw"),
        descriptions=("Naucz się {topic} krok po kroku, na prawdziwych przykładach i ćwiczeniach.",
                      "Praktyczny kurs {topic} we własnym tempie.",
                      "Wszystko, co warto wiedzieć o {topic}, wyjaśnione jasno."),
        modules=("Pierwsze kroki", "Podstawy", "Ćwiczenia z przewodnikiem", "Techniki średniozaawansowane",
                 "Studia przypadków", "Techniki zaawansowane", "Projekt końcowy", "Podsumowanie"),
        lessons=("Wprowadzenie: {term}", "{term} w praktyce", "Ćwiczenia: {term}", "Typowe błędy: {term}",
                 "Powtórka: {term}", "Studium przypadku: {term}"),
        learn_heading="Czego się nauczysz",
    ),
}

# Courses of the languages subject titled in the language they teach, and taught in it: (language, topic, title).
NATIVE_LANGUAGE_TITLES = (
    ("es", "Spanish", "Español conversacional"),
    ("es", "Spanish", "Gramática española sin complicaciones"),
    ("es", "Spanish", "Español para viajeros"),
    ("fr", "French", "Français : la grammaire sans peine"),
    ("fr", "French", "Parler français au quotidien"),
    ("de", "German", "Deutsch für Anfänger"),
    ("de", "German", "Deutsch im Beruf"),
    ("it", "Italian", "Italiano per principianti"),
    ("it", "Italian", "Conversazione italiana"),
    ("pt", "Portuguese", "Português brasileiro do zero"),
    ("pt", "Portuguese", "Conversação em português"),
    ("pl", "Polish", "Język polski od podstaw"),
)
# fmt: on
