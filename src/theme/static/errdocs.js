// errdocs default theme script. The pages are complete without it.
