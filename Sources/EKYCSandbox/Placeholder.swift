public enum _PlaceholderEKYCSandbox {}
