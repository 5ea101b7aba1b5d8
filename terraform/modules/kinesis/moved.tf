# The streams' key became optional (the local stack runs without it).

moved {
  from = aws_kms_key.streams
  to   = aws_kms_key.streams[0]
}
