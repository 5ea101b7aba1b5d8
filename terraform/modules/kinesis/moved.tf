# Where the streams' key stood before: existing states follow it instead of replacing it.

# The key became optional (the local stack runs without it).
moved {
  from = aws_kms_key.streams
  to   = aws_kms_key.streams[0]
}

# Then it came from the shared kms_key module.
moved {
  from = aws_kms_key.streams[0]
  to   = module.key[0].aws_kms_key.this
}
