"""People's names from several cultures (accents and all), and the ASCII email addresses made from them.

A person's first and last name come from the same culture, as they mostly do. Emails are made unique by
the person's number, and use the example.* domains, which are reserved and never deliver mail.
"""

import unicodedata
from random import Random

from seed.weights import Weighted

# fmt: off
CULTURES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Ethan", "Mia", "Grace", "Jack",
      "Harper", "Henry", "Chloe", "Samuel", "Lucy", "Daniel", "Ella", "Thomas"),
     ("Smith", "Johnson", "Williams", "Brown", "Taylor", "Anderson", "Thompson", "Walker", "Wright", "Hughes",
      "Clarke", "Robinson", "Evans", "O'Connor", "Murphy", "Campbell", "Stewart", "Bennett")),
    (("José", "María", "Lucía", "Javier", "Sofía", "Alejandro", "Martina", "Diego", "Valentina", "Andrés",
      "Camila", "Sergio", "Inés", "Raúl", "Paula", "Íñigo", "Ana", "Pablo"),
     ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
      "Jiménez", "Muñoz", "Álvarez", "Romero", "Núñez", "Ortega", "Castillo")),
    (("Chloé", "François", "Amélie", "Théo", "Léa", "Étienne", "Camille", "Louis", "Manon", "Hélène", "Noël",
      "Inès", "Jérôme", "Océane", "Benoît"),
     ("Dubois", "Lefèvre", "Martin", "Bernard", "Moreau", "Laurent", "Girard", "Rousseau", "Fournier",
      "Lemaître", "Mercier", "Bonnet", "Chevalier")),
    (("Lukas", "Anna", "Jürgen", "Lena", "Felix", "Sophie", "Matthias", "Hannah", "Jonas", "Jörg", "Katharina",
      "Maximilian", "Leonie", "Björn"),
     ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schäfer", "Koch",
      "Hoffmann", "Krüger", "Schröder", "Weiß")),
    (("Łukasz", "Małgorzata", "Katarzyna", "Piotr", "Agnieszka", "Paweł", "Zofia", "Michał", "Wojciech",
      "Ewa", "Jakub", "Żaneta", "Krzysztof"),
     ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
      "Szymańska", "Dąbrowski", "Król", "Mazur")),
    (("Giulia", "Marco", "Francesca", "Alessandro", "Chiara", "Niccolò", "Federica", "Matteo", "Elena", "Luca"),
     ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "De Luca")),
    (("João", "Ana", "Gonçalo", "Beatriz", "Tiago", "Mariana", "Luís", "Inês", "Thiago", "Letícia", "Caio"),
     ("Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Gonçalves",
      "Araújo", "Conceição")),
    (("Søren", "Ingrid", "Astrid", "Lars", "Sigrid", "Magnus", "Freja", "Åsa", "Henrik", "Maja", "Björk"),
     ("Johansson", "Andersson", "Nielsen", "Hansen", "Larsen", "Eriksson", "Lindqvist", "Sørensen", "Berg",
      "Håkansson")),
    (("Zoë", "Daan", "Sanne", "Bram", "Lotte", "Joost", "Femke", "Ruben"),
     ("de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "de Jong", "van Dijk")),
    (("Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Diya", "Arjun", "Kavya", "Rahul", "Sneha", "Aditya"),
     ("Sharma", "Patel", "Gupta", "Iyer", "Reddy", "Nair", "Singh", "Mehta", "Chatterjee", "Rao", "Kapoor")),
    (("Wei", "Li Na", "Jun", "Xiaoming", "Mei", "Hao", "Yan", "Lei", "Jing", "Zhen"),
     ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou")),
    (("Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Yuto", "Sakura", "Kenji", "Yuki"),
     ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato")),
    (("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo", "Hyun-woo", "Soo-ah"),
     ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon")),
    (("Chinedu", "Amara", "Oluwaseun", "Ngozi", "Emeka", "Adaeze", "Tunde", "Folake", "Kwame", "Abena"),
     ("Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Mensah", "Nwosu", "Boateng", "Adebayo")),
    (("Omar", "Fatima", "Youssef", "Layla", "Karim", "Nour", "Hassan", "Amira", "Rania", "Tariq"),
     ("Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Farouk", "Hamdan", "El-Amin")),
    (("Ömer", "Elif", "Emre", "Zeynep", "Can", "Ayşe", "Burak", "Şebnem", "İbrahim", "Gül"),
     ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan")),  # noqa: RUF001 (Turkish dotless i)
    (("Minh", "Linh", "Quang", "Thảo", "Tuấn", "Hương", "Dũng", "Lan"),
     ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")),
    (("Nikos", "Eleni", "Giorgos", "Maria", "Dimitris", "Katerina", "Yannis", "Sofia"),
     ("Papadopoulos", "Georgiou", "Nikolaidis", "Konstantinou", "Dimitriou", "Ioannou", "Vlachos")),
)
# fmt: on

# How often each culture appears (same order as CULTURES): an international, English-leaning audience.
PEOPLE = Weighted(CULTURES, (22, 10, 6, 7, 4, 4, 6, 3, 2, 9, 6, 4, 3, 4, 3, 3, 2, 2))

DOMAINS = ("example.com", "example.org", "example.net")
_NOT_DECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "đ": "d", "Đ": "D", "ı": "i"}  # noqa: RUF001
)


def person_name(rng: Random) -> str:
    firsts, lasts = PEOPLE.pick(rng)
    return f"{rng.choice(firsts)} {rng.choice(lasts)}"


def ascii_fold(text: str) -> str:
    """'Łukasz Wiśniewski' -> 'lukaszwisniewski' style: accents dropped, lower case, letters only."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_NOT_DECOMPOSED))
    return "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()


def email_for(name: str, number: int, rng: Random) -> str:
    first, _, last = name.partition(" ")
    first, last = ascii_fold(first), ascii_fold(last)
    local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}", f"{first}{last}"))
    return f"{local}{number}@{rng.choice(DOMAINS)}"
