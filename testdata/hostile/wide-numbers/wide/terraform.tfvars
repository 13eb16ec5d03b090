big = 1e400
