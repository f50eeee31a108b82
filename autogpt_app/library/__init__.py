"""The library: a user's agents (added from the store, uploaded, or created), favourites, archive, search."""
