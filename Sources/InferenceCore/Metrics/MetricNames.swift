/// Names of the metrics the service emits (Prometheus names: `hailo8_` prefix, base units
/// seconds). Each name always carries the same label names: Prometheus refuses a family whose
/// members differ. docs/api.md lists them with their meaning.
public enum MetricNames {
    // Per request, as it happens.
    public static let httpRequests = "hailo8_http_requests_total"
    public static let httpDuration = "hailo8_http_request_duration_seconds"
    public static let inferences = "hailo8_inference_requests_total"
    public static let stageDuration = "hailo8_stage_duration_seconds"
    public static let batchSize = "hailo8_batch_size"

    // Read at scrape time.
    public static let queueDepth = "hailo8_model_queue_depth"
    public static let queueCapacity = "hailo8_model_queue_capacity"
    public static let inFlight = "hailo8_model_in_flight"
    public static let maxInFlight = "hailo8_model_max_in_flight"
    public static let modelsLoaded = "hailo8_models_loaded"
    public static let modelsFailed = "hailo8_models_failed"
    public static let tasksStored = "hailo8_tasks_stored"
    public static let tasksCapacity = "hailo8_tasks_capacity"
    public static let deviceAvailable = "hailo8_device_available"
    public static let deviceState = "hailo8_device_state"
    public static let deviceTemperature = "hailo8_device_temperature_celsius"
    public static let devicePower = "hailo8_device_power_watts"
    public static let deviceUtilization = "hailo8_device_utilization_ratio"
    public static let resourceCPULimit = "hailo8_resource_cpu_limit_cores"
    public static let resourceCPUs = "hailo8_resource_cpus"
    public static let resourceHostCPUs = "hailo8_resource_host_cpus"
    public static let resourceMemoryLimit = "hailo8_resource_memory_limit_bytes"
    public static let resourceMemoryUsage = "hailo8_resource_memory_usage_bytes"
    public static let resourceCPUUsage = "hailo8_resource_cpu_usage_seconds"
    public static let resourceThreads = "hailo8_resource_threads"

    /// Stages of `stageDuration`.
    public enum Stage: String, Sendable, CaseIterable {
        /// Waiting for a run slot and a backend thread.
        case queue
        /// Image decoding and preprocessing (image routes only).
        case decode, preprocess
        /// In the runtime / on the device.
        case inference
        /// Decoding detections (image routes only).
        case postprocess
        /// From the core receiving the request to its result (queue + inference + binding).
        case total
    }
}
