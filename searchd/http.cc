// placeholder: replaced by the owning part
