variable "in_public_subnet" {
  description = "Attach the function to the public subnet (a mistake: it gets no internet there)."
  type        = bool
  default     = false
}
