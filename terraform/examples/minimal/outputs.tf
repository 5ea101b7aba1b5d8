output "api_invoke_url" {
  description = "Invoke URL of the API's stage (the emulator's API_URL)."
  value       = module.api_gateway.invoke_url
}

output "api_key" {
  description = "The API key (the emulator's API_KEY, sent as x-api-key)."
  value       = module.api_gateway.api_key
  sensitive   = true
}

output "stream_names" {
  description = "Kinesis stream per table: `streaming-<id>-<table>`."
  value       = module.kinesis.stream_names
}

output "data_bucket" {
  description = "The data bucket: `user-<id>-bucket`."
  value       = module.storage.bucket
}
