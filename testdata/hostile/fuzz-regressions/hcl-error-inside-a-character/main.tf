# Found by the `terraform` fuzz target: hcl-edit reports the error inside the last character,
# and the text report sliced the line there (panic). Expected: LVL900 at 4:10.
a {
  b = c.dʖ