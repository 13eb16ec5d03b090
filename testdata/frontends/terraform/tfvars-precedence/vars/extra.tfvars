f = "var-file"
