"""Grid-connection applications: the routes, the stored records, and their documents."""
