"""National scale: seeding a national-size database and measuring the app against it."""
