"""Word lists the generator draws from. Plain data: changing it changes every seeded database."""

from __future__ import annotations

MEDIA_TYPES = ("image", "video", "multi-video(story page format)")
MEDIA_WEIGHTS = (80, 14, 6)

# category: (relative frequency, nouns for titles, tags)
CATEGORIES: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "christmas": (
        9,
        ("Christmas Tree", "Advent Calendar", "Wreath", "Stocking", "Ornaments", "Gingerbread"),
        ("Christmas Decorations", "Christmas Crafts", "Xmas", "Holiday Decor", "Noel", "Festive"),
    ),
    "diy-and-crafts": (
        9,
        ("Paper Flowers", "Macrame", "Candle", "Mason Jar", "Quilt", "Crochet Blanket"),
        ("Diy Crafts", "Crafts For Kids", "Upcycling", "Handmade", "Sewing", "Knitting"),
    ),
    "tattoos": (
        7,
        ("Sleeve Tattoo", "Rose Tattoo", "Fine Line Tattoo", "Script Tattoo", "Mandala Tattoo"),
        ("Tattoo Ideas", "Small Tattoos", "Ink", "Body Art", "Tattoo Designs", "Minimalist"),
    ),
    "education": (
        8,
        ("Classroom", "Lesson Plan", "Reading Corner", "Math Game", "Worksheet", "Study Guide"),
        ("Teaching", "Teacher Ideas", "Homeschool", "Learning", "Kindergarten", "Science"),
    ),
    "finance": (
        6,
        ("Budget", "Savings Plan", "Side Hustle", "Debt Payoff", "Money Tracker", "Investing"),
        ("Money Tips", "Personal Finance", "Frugal Living", "Budgeting", "Saving Money"),
    ),
    "travel": (
        8,
        ("Road Trip", "Beach", "Backpacking", "City Break", "Packing List", "National Park"),
        ("Travel Tips", "Wanderlust", "Travel Destinations", "Vacation", "Adventure"),
    ),
    "art": (
        7,
        ("Watercolor", "Sketch", "Oil Painting", "Portrait", "Abstract Art", "Mural"),
        ("Art Ideas", "Drawing", "Painting", "Art Inspiration", "Illustration", "Canvas"),
    ),
    "event-planning": (
        6,
        ("Wedding", "Birthday Party", "Baby Shower", "Centerpiece", "Party Favors", "Invitation"),
        ("Party Ideas", "Wedding Ideas", "Event Decor", "Celebration", "Party Planning"),
    ),
    "beauty": (
        8,
        ("Makeup Look", "Skincare Routine", "Nail Art", "Hairstyle", "Eyeshadow", "Braids"),
        ("Beauty Tips", "Makeup", "Skin Care", "Hair Ideas", "Nails", "Natural Beauty"),
    ),
    "home-decor": (
        9,
        ("Living Room", "Bedroom", "Gallery Wall", "Kitchen", "Bathroom", "Entryway"),
        ("Home Decor", "Interior Design", "Decor Ideas", "Farmhouse", "Boho", "Cozy Home"),
    ),
    "mens-fashion": (
        6,
        ("Outfit", "Suit", "Streetwear", "Sneakers", "Watch", "Casual Look"),
        ("Mens Style", "Menswear", "Mens Outfits", "Fashion", "Gentleman", "Style Tips"),
    ),
    "quotes": (
        7,
        ("Quote", "Affirmation", "Motivation", "Saying", "Life Lesson", "Mantra"),
        ("Inspirational Quotes", "Life Quotes", "Motivation", "Positive Vibes", "Wisdom"),
    ),
    "vehicles": (
        5,
        ("Classic Car", "Motorcycle", "Camper Van", "Truck", "Sports Car", "Bike"),
        ("Cars", "Dream Cars", "Van Life", "Motorbike", "Auto", "Car Restoration"),
    ),
}

# fmt: off
ADJECTIVES = (
    "Easy", "Simple", "Beautiful", "Cozy", "Modern", "Vintage", "Creative", "Cute", "Amazing",
    "Minimalist", "Rustic", "Colorful", "Budget", "Quick", "Unique", "Stunning", "Classic", "Fun",
)
# fmt: on
TITLE_TEMPLATES = (
    "{n} {adj} {noun} Ideas",
    "{adj} {noun} Ideas",
    "How to Make a {adj} {noun}",
    "{noun}: {n} {adj} Ideas to Try",
    "{adj} {noun} for Beginners",
    "The Best {noun} Ideas of {year}",
    "{noun} Inspiration",
    "DIY {adj} {noun}",
)
DESCRIPTION_TEMPLATES = (
    "{n} {adj} {noun} ideas you will love. Save this pin for later!",
    "Looking for {adj_l} {noun_l} ideas? Here are our favourites, from budget to luxe.",
    "Step-by-step guide to a {adj_l} {noun_l}. Everything you need to get started.",
    "We rounded up the most {adj_l} {noun_l} ideas on the internet.",
    "Get inspired with this {adj_l} {noun_l}. Click through for all the details.",
    "{adj} {noun} | {tag}",
)

# fmt: off
FIRST_NAMES = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
    "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony",
    "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily",
    "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian",
    "Melissa", "George", "Deborah", "Timothy", "Stephanie", "Ronald", "Rebecca", "Jason", "Laura",
    "Edward", "Sharon", "Jeffrey", "Cynthia", "Ryan", "Kathleen", "Jacob", "Amy", "Gary", "Angela",
    "Nicholas", "Shirley", "Eric", "Anna", "Jonathan", "Brenda", "Stephen", "Pamela", "Larry",
    "Emma", "Justin", "Nicole", "Scott", "Helen", "Brandon", "Samantha", "Benjamin", "Katherine",
    "Samuel", "Christine", "Gregory", "Debra", "Alexander", "Rachel", "Patrick", "Carolyn",
    "Frank", "Janet", "Raymond", "Maria", "Jack", "Olivia", "Dennis", "Heather", "Jerry", "Diane",
    "Tyler", "Julie", "Aaron", "Joyce", "Jose", "Victoria", "Adam", "Ruth", "Nathan", "Virginia",
    "Henry", "Lauren", "Zachary", "Kelly", "Douglas", "Christina", "Peter", "Joan", "Kyle",
    "Evelyn", "Noah", "Judith", "Ethan", "Andrea", "Jeremy", "Hannah", "Walter", "Megan",
    "Christian", "Cheryl", "Keith", "Jacqueline", "Roger", "Martha", "Terry", "Madison", "Austin",
    "Teresa", "Sean", "Gloria", "Gerald", "Sara", "Carl", "Janice", "Harold", "Ann", "Dylan",
    "Kathryn", "Arthur", "Abigail", "Lawrence", "Sophia", "Jordan", "Frances", "Jesse", "Jean",
    "Bryan", "Alice", "Billy", "Judy", "Bruce", "Isabella", "Gabriel", "Julia", "Joe", "Grace",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
    "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera",
    "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz",
    "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy",
    "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed",
    "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez",
    "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
    "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell",
    "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
    "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander",
    "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes",
    "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray",
    "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods",
    "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker",
    "Guzman", "Burns",
)
# Account names that are not a person's name: "<word> <word>" like "Crafty Morning".
BRAND_WORDS = (
    "Crafty", "Morning", "Home", "Studio", "Design", "Daily", "Little", "Life", "Style", "Hub",
    "Nest", "Creative", "Journal", "Mom", "Kitchen", "Project", "Corner", "House", "Collective",
    "Lab", "Club", "Magazine", "Diaries", "Blog", "Co", "Shop", "Market", "Garden", "Travel",
    "Wander", "Money", "Teacher", "Artist", "Maker", "Classroom", "Beauty", "Glam", "Ink",
)

# (country, approximate centroid latitude, longitude, relative frequency)
COUNTRIES: tuple[tuple[str, float, float, int], ...] = (
    ("Afghanistan", 33.9, 67.7, 3), ("Albania", 41.2, 20.2, 2), ("Algeria", 28.0, 1.7, 3),
    ("American Samoa", -14.3, -170.7, 1), ("Andorra", 42.5, 1.6, 1), ("Angola", -11.2, 17.9, 2),
    ("Antigua and Barbuda", 17.1, -61.8, 1), ("Argentina", -38.4, -63.6, 4),
    ("Armenia", 40.1, 45.0, 2), ("Aruba", 12.5, -70.0, 1), ("Australia", -25.3, 133.8, 6),
    ("Austria", 47.5, 14.6, 3), ("Azerbaijan", 40.1, 47.6, 2), ("Bahamas", 25.0, -77.4, 1),
    ("Bahrain", 26.0, 50.6, 1), ("Bangladesh", 23.7, 90.4, 3), ("Barbados", 13.2, -59.5, 1),
    ("Belarus", 53.7, 27.95, 2), ("Belgium", 50.5, 4.5, 3), ("Belize", 17.2, -88.5, 1),
    ("Benin", 9.3, 2.3, 1), ("Bermuda", 32.3, -64.8, 1), ("Bhutan", 27.5, 90.4, 1),
    ("Bolivia", -16.3, -63.6, 2), ("Bosnia and Herzegovina", 43.9, 17.7, 2),
    ("Botswana", -22.3, 24.7, 1), ("Brazil", -14.2, -51.9, 6), ("Bulgaria", 42.7, 25.5, 2),
    ("Burkina Faso", 12.2, -1.6, 1), ("Burundi", -3.4, 29.9, 1), ("Cambodia", 12.6, 104.99, 2),
    ("Cameroon", 7.4, 12.4, 2), ("Canada", 56.1, -106.3, 6), ("Cape Verde", 16.0, -24.0, 1),
    ("Chad", 15.5, 18.7, 1), ("Chile", -35.7, -71.5, 3), ("China", 35.9, 104.2, 5),
    ("Colombia", 4.6, -74.3, 3), ("Comoros", -11.9, 43.9, 1), ("Costa Rica", 9.7, -83.8, 2),
    ("Croatia", 45.1, 15.2, 2), ("Cuba", 21.5, -77.8, 2), ("Cyprus", 35.1, 33.4, 1),
    ("Czech Republic", 49.8, 15.5, 3), ("Denmark", 56.3, 9.5, 3), ("Djibouti", 11.8, 42.6, 1),
    ("Dominica", 15.4, -61.4, 1), ("Dominican Republic", 18.7, -70.2, 2),
    ("Ecuador", -1.8, -78.2, 2), ("Egypt", 26.8, 30.8, 3), ("El Salvador", 13.8, -88.9, 1),
    ("Eritrea", 15.2, 39.8, 1), ("Estonia", 58.6, 25.0, 2), ("Ethiopia", 9.1, 40.5, 2),
    ("Fiji", -17.7, 178.1, 1), ("Finland", 61.9, 25.7, 3), ("France", 46.2, 2.2, 5),
    ("Gabon", -0.8, 11.6, 1), ("Gambia", 13.4, -15.3, 1), ("Georgia", 42.3, 43.4, 2),
    ("Germany", 51.2, 10.5, 5), ("Ghana", 7.9, -1.0, 2), ("Greece", 39.1, 21.8, 3),
    ("Greenland", 71.7, -42.6, 1), ("Grenada", 12.3, -61.6, 1), ("Guatemala", 15.8, -90.2, 2),
    ("Guinea", 9.9, -9.7, 1), ("Guyana", 4.9, -58.9, 1), ("Haiti", 18.97, -72.3, 1),
    ("Honduras", 15.2, -86.2, 1), ("Hong Kong", 22.3, 114.2, 2), ("Hungary", 47.2, 19.5, 2),
    ("Iceland", 64.96, -19.0, 2), ("India", 20.6, 79.0, 6), ("Indonesia", -0.8, 113.9, 4),
    ("Iran", 32.4, 53.7, 2), ("Iraq", 33.2, 43.7, 2), ("Ireland", 53.4, -8.2, 3),
    ("Israel", 31.0, 34.9, 2), ("Italy", 41.9, 12.6, 5), ("Jamaica", 18.1, -77.3, 2),
    ("Japan", 36.2, 138.3, 5), ("Jordan", 30.6, 36.2, 2), ("Kazakhstan", 48.0, 66.9, 2),
    ("Kenya", -0.02, 37.9, 2), ("Kiribati", -3.4, -168.7, 1), ("Kuwait", 29.3, 47.5, 1),
    ("Kyrgyz Republic", 41.2, 74.8, 1), ("Latvia", 56.9, 24.6, 2), ("Lebanon", 33.9, 35.9, 1),
    ("Lesotho", -29.6, 28.2, 1), ("Liberia", 6.4, -9.4, 1), ("Libya", 26.3, 17.2, 1),
    ("Liechtenstein", 47.2, 9.6, 1), ("Lithuania", 55.2, 23.9, 2), ("Luxembourg", 49.8, 6.1, 1),
    ("Madagascar", -18.8, 46.9, 2), ("Malawi", -13.3, 34.3, 1), ("Malaysia", 4.2, 101.98, 3),
    ("Maldives", 3.2, 73.2, 1), ("Mali", 17.6, -4.0, 1), ("Malta", 35.9, 14.4, 1),
    ("Mauritius", -20.3, 57.6, 1), ("Mexico", 23.6, -102.6, 5), ("Moldova", 47.4, 28.4, 1),
    ("Monaco", 43.7, 7.4, 1), ("Mongolia", 46.9, 103.8, 1), ("Montenegro", 42.7, 19.4, 1),
    ("Morocco", 31.8, -7.1, 2), ("Mozambique", -18.7, 35.5, 1), ("Namibia", -22.96, 18.5, 1),
    ("Nepal", 28.4, 84.1, 2), ("Netherlands", 52.1, 5.3, 4), ("New Zealand", -40.9, 174.9, 3),
    ("Nicaragua", 12.9, -85.2, 1), ("Niger", 17.6, 8.1, 1), ("Nigeria", 9.1, 8.7, 3),
    ("North Macedonia", 41.6, 21.7, 1), ("Norway", 60.5, 8.5, 3), ("Oman", 21.5, 55.9, 1),
    ("Pakistan", 30.4, 69.3, 3), ("Panama", 8.5, -80.8, 1), ("Papua New Guinea", -6.3, 143.96, 1),
    ("Paraguay", -23.4, -58.4, 1), ("Peru", -9.2, -75.0, 3), ("Philippines", 12.9, 121.8, 4),
    ("Poland", 51.9, 19.1, 4), ("Portugal", 39.4, -8.2, 3), ("Puerto Rico", 18.2, -66.6, 2),
    ("Qatar", 25.4, 51.2, 1), ("Romania", 45.9, 24.97, 3), ("Russian Federation", 61.5, 105.3, 4),
    ("Rwanda", -1.9, 29.9, 1), ("Saint Lucia", 13.9, -60.98, 1), ("Samoa", -13.8, -172.1, 1),
    ("Saudi Arabia", 23.9, 45.1, 3), ("Senegal", 14.5, -14.5, 1), ("Serbia", 44.0, 21.0, 2),
    ("Seychelles", -4.7, 55.5, 1), ("Sierra Leone", 8.5, -11.8, 1), ("Singapore", 1.35, 103.8, 2),
    ("Slovakia", 48.7, 19.7, 2), ("Slovenia", 46.2, 14.99, 2), ("Somalia", 5.2, 46.2, 1),
    ("South Africa", -30.6, 22.9, 3), ("South Korea", 35.9, 127.8, 4), ("Spain", 40.5, -3.7, 5),
    ("Sri Lanka", 7.9, 80.8, 2), ("Sudan", 12.9, 30.2, 1), ("Suriname", 3.9, -56.0, 1),
    ("Sweden", 60.1, 18.6, 3), ("Switzerland", 46.8, 8.2, 3), ("Taiwan", 23.7, 120.96, 2),
    ("Tajikistan", 38.9, 71.3, 1), ("Tanzania", -6.4, 34.9, 2), ("Thailand", 15.9, 100.99, 3),
    ("Togo", 8.6, 0.8, 1), ("Tonga", -21.2, -175.2, 1), ("Trinidad and Tobago", 10.7, -61.2, 1),
    ("Tunisia", 33.9, 9.5, 1), ("Turkey", 38.96, 35.2, 3), ("Turkmenistan", 38.97, 59.6, 1),
    ("Uganda", 1.4, 32.3, 2), ("Ukraine", 48.4, 31.2, 3), ("United Arab Emirates", 23.4, 53.8, 2),
    ("United Kingdom", 55.4, -3.4, 6), ("United States of America", 37.1, -95.7, 8),
    ("Uruguay", -32.5, -55.8, 1), ("Uzbekistan", 41.4, 64.6, 1), ("Vanuatu", -15.4, 166.96, 1),
    ("Venezuela", 6.4, -66.6, 2), ("Vietnam", 14.1, 108.3, 3), ("Yemen", 15.6, 48.5, 1),
    ("Zambia", -13.1, 27.8, 1), ("Zimbabwe", -19.0, 29.2, 1),
)
# fmt: on
