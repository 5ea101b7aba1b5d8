"""S3 sink: Confluent S3 sink connector semantics (JsonFormat, DefaultPartitioner), DESIGN §6."""
