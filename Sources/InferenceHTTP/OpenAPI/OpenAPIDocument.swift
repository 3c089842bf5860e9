/// The OpenAPI 3.1 document served at `GET /openapi.yaml`. Kept by hand beside the routes:
/// OpenAPITests checks that it lists exactly the router's routes, and
/// tests/integration/test_openapi.py that the live service's answers match its schemas.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: hailo8-service
  version: "1"
  summary: Inference server for ONNX (CPU) and HEF (Hailo-8) models.
  description: >
    Native API (/health, /devices, /status, /metrics, /models, /inference), the DeepStack /
    CodeProject.AI detection API and status routes (/v1/*), the DOODS2 API (/detectors,
    /detect, /image) and the KServe v2 / Open Inference Protocol (/v2/*). See docs/api.md,
    docs/vision.md, docs/integrations.md and docs/kserve.md. Every answer carries an
    X-Request-Id header and an X-Hailo8-Node header naming the host that answered (--node-name;
    docs/scaling.md). With API keys configured (--api-key), every route but /health,
    /v2/health/live, /v2/health/ready, the CodeProject.AI pings and the dashboard's page needs
    `Authorization: Bearer KEY`, `X-API-Key: KEY` or `doods-auth-key: KEY` (DeepStack routes also
    take an `api_key` form field).
servers:
  - url: /
security:
  - {}
  - bearerAuth: []
  - apiKeyHeader: []
  - doodsAuthKey: []
tags:
  - name: service
    description: Health, devices, status and metrics.
  - name: models
    description: Loading, listing and unloading models.
  - name: inference
    description: Tensor and image inference, batches and async tasks.
  - name: deepstack
    description: DeepStack / CodeProject.AI object detection and CodeProject.AI's status routes.
  - name: doods
    description: DOODS2 object detection (Home Assistant core's doods integration).
  - name: kserve
    description: KServe v2 / Open Inference Protocol with Triton's extensions.

paths:
  # ---------------------------------------------------------------- service
  /health:
    get:
      tags: [service]
      operationId: getHealth
      summary: Whether at least one backend can serve (never needs an API key).
      security: []
      responses:
        "200":
          description: At least one backend is available.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Health"}
        "503":
          description: No backend is available.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Health"}

  /devices:
    get:
      tags: [service]
      operationId: listDevices
      summary: One entry per device (the CPU, each Hailo-8) with the models on it.
      responses:
        "200":
          description: The devices.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/DeviceList"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "500": {$ref: "#/components/responses/InternalError"}

  /status:
    get:
      tags: [service]
      operationId: getStatus
      summary: Uptime, per-model counters, queues and latencies, task store and device states.
      responses:
        "200":
          description: The service's status.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Status"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "500": {$ref: "#/components/responses/InternalError"}

  /metrics:
    get:
      tags: [service]
      operationId: getMetrics
      summary: Prometheus metrics in the text exposition format.
      responses:
        "200":
          description: Prometheus text format (`text/plain; version=0.0.4; charset=utf-8`).
          content:
            text/plain:
              schema: {type: string}
        "401": {$ref: "#/components/responses/Unauthorized"}

  /openapi.yaml:
    get:
      tags: [service]
      operationId: getOpenAPIDocument
      summary: This OpenAPI document.
      responses:
        "200":
          description: The OpenAPI 3.1 document as YAML.
          content:
            application/yaml:
              schema: {contentMediaType: application/yaml}
        "401": {$ref: "#/components/responses/Unauthorized"}

  /:
    get:
      tags: [service]
      operationId: getDashboard
      summary: The dashboard, for people (no key needed; it reads the API with the key it is given).
      responses:
        "200":
          description: The dashboard's page.
          content:
            text/html:
              schema: {type: string}
  /ui/app.js:
    get:
      tags: [service]
      operationId: getDashboardScript
      summary: The dashboard's script.
      responses:
        "200":
          description: JavaScript.
          content:
            text/javascript:
              schema: {type: string}
  /ui/app.css:
    get:
      tags: [service]
      operationId: getDashboardStyle
      summary: The dashboard's style sheet.
      responses:
        "200":
          description: CSS.
          content:
            text/css:
              schema: {type: string}

  # ---------------------------------------------------------------- models
  /model-files:
    get:
      tags: [models]
      operationId: listModelFiles
      summary: The model files of the models directory that POST /models/load can take.
      responses:
        "200":
          description: Every NAME.onnx/.hef, NAME/model.* and NAME/1/model.* under the models directory, by name.
          content:
            application/json:
              schema:
                type: object
                required: [files]
                properties:
                  files:
                    type: array
                    items:
                      type: object
                      required: [name, path, format, loaded]
                      properties:
                        name: {type: string}
                        path: {type: string, description: Relative to the models directory; the model_path to load it.}
                        format: {type: string, enum: [onnx, hef]}
                        loaded: {type: array, items: {type: string}, description: Ids of the loaded models from this file.}
        "401": {$ref: "#/components/responses/Unauthorized"}

  /models/load:
    post:
      tags: [models]
      operationId: loadModel
      summary: Load a model from the models root, or from an uploaded file.
      description: >
        JSON loads a file of the models root. multipart/form-data uploads a model in a `file`
        part; application/octet-stream uploads the model bytes with `model_id` in the query.
        201 when loaded, 200 when the same id is already loaded with the same settings.
      parameters:
        - name: model_id
          in: query
          description: Id of the uploaded model (application/octet-stream uploads only; required there).
          schema: {type: string}
        - name: format
          in: query
          description: Format of the uploaded model (application/octet-stream uploads only).
          schema: {type: string, enum: [onnx, hef], default: onnx}
        - name: device
          in: query
          description: Device for the uploaded model (application/octet-stream uploads only).
          schema: {$ref: "#/components/schemas/DeviceChoice"}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/LoadRequest"}
          multipart/form-data:
            schema: {$ref: "#/components/schemas/LoadUploadForm"}
          application/octet-stream:
            schema: {contentMediaType: application/octet-stream}
      responses:
        "200":
          description: Already loaded from the same file with the same settings.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Model"}
        "201":
          description: Loaded.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Model"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "409": {$ref: "#/components/responses/Conflict"}
        "413": {$ref: "#/components/responses/PayloadTooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/UnprocessableContent"}
        "500": {$ref: "#/components/responses/InternalError"}
        "503": {$ref: "#/components/responses/ServiceUnavailable"}

  /models:
    get:
      tags: [models]
      operationId: listModels
      summary: Every model known to the registry, loaded or not.
      responses:
        "200":
          description: The models.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ModelList"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "500": {$ref: "#/components/responses/InternalError"}

  /models/{model_id}:
    parameters:
      - $ref: "#/components/parameters/ModelId"
    get:
      tags: [models]
      operationId: getModel
      summary: One model.
      responses:
        "200":
          description: The model.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Model"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}
    delete:
      tags: [models]
      operationId: unloadModel
      summary: Unload a model once its requests in flight finish, and forget it.
      responses:
        "200":
          description: Unloaded.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ModelUnloaded"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}
        "500": {$ref: "#/components/responses/InternalError"}

  # ---------------------------------------------------------------- inference
  /inference:
    post:
      tags: [inference]
      operationId: infer
      summary: Run a model on a tensor or an image, synchronously or as an async task.
      description: >
        JSON body (tensor or base64 image in `input_data`), multipart form with an `image` part,
        or a raw body (application/octet-stream tensor or image, image/jpeg, image/png) with its
        parameters in the query string. Tensors answer InferenceResponse; images given to a
        detection model answer DetectionResponse, or an annotated JPEG (`annotate` or
        `Accept: image/jpeg`). A raw tensor request with `Accept: application/octet-stream`
        gets the raw bytes of the first requested output.
      parameters:
        - name: model_id
          in: query
          description: The model (raw bodies only; required there).
          schema: {type: string}
        - name: shape
          in: query
          description: Input shape, comma-separated (raw tensor bodies).
          schema: {type: string, examples: ["1,3,320,320"]}
        - name: dtype
          in: query
          description: Input dtype (raw tensor bodies; default the model's).
          schema: {type: string}
        - name: input
          in: query
          description: Input name (raw tensor bodies; default the only input).
          schema: {type: string}
        - name: output
          in: query
          description: The output to return (raw tensor bodies; default all).
          schema: {type: string}
        - name: output_format
          in: query
          description: How output tensors are written in JSON (raw bodies).
          schema: {$ref: "#/components/schemas/OutputFormat"}
        - name: timeout_ms
          in: query
          description: Deadline of the request in milliseconds (raw bodies).
          schema: {type: integer, minimum: 1}
        - name: input_type
          in: query
          description: What the body holds; by default sniffed from its magic bytes (raw bodies).
          schema: {$ref: "#/components/schemas/InputType"}
        - name: width
          in: query
          description: Frame width of a raw rgb24/bgr24/nv12 image.
          schema: {type: integer, minimum: 1}
        - name: height
          in: query
          description: Frame height of a raw rgb24/bgr24/nv12 image.
          schema: {type: integer, minimum: 1}
        - name: score_threshold
          in: query
          description: Detection score threshold (images).
          schema: {type: number}
        - name: min_confidence
          in: query
          description: Alias of score_threshold (images).
          schema: {type: number}
        - name: iou_threshold
          in: query
          description: NMS IoU threshold (images).
          schema: {type: number}
        - name: max_detections
          in: query
          description: Most detections returned (images).
          schema: {type: integer}
        - name: classes
          in: query
          description: Comma-separated class names or ids to keep (images).
          schema: {type: string}
        - name: annotate
          in: query
          description: Answer an annotated JPEG instead of JSON (images; 1/true/yes/on).
          schema: {type: string}
        - name: include_outputs
          in: query
          description: Also return the raw output tensors (images; 1/true/yes/on).
          schema: {type: string}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/InferenceRequest"}
          multipart/form-data:
            schema: {$ref: "#/components/schemas/ImageForm"}
          application/octet-stream:
            schema: {contentMediaType: application/octet-stream}
          image/jpeg:
            schema: {contentMediaType: image/jpeg}
          image/png:
            schema: {contentMediaType: image/png}
      responses:
        "200":
          description: >
            InferenceResponse for tensors, DetectionResponse for images; raw output bytes or an
            annotated JPEG when asked for.
          headers:
            X-Tensor-Name:
              description: Name of the output (application/octet-stream answers).
              schema: {type: string}
            X-Tensor-Dtype:
              description: Dtype of the output (application/octet-stream answers).
              schema: {type: string}
            X-Tensor-Shape:
              description: Comma-separated shape of the output (application/octet-stream answers).
              schema: {type: string}
            X-Detections:
              description: Number of boxes drawn (image/jpeg answers).
              schema: {type: integer}
          content:
            application/json:
              schema:
                anyOf:
                  - $ref: "#/components/schemas/InferenceResponse"
                  - $ref: "#/components/schemas/DetectionResponse"
            application/octet-stream:
              schema: {contentMediaType: application/octet-stream}
            image/jpeg:
              schema: {contentMediaType: image/jpeg}
        "202": {$ref: "#/components/responses/TaskAccepted"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}
        "413": {$ref: "#/components/responses/PayloadTooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/UnprocessableContent"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}
        "503": {$ref: "#/components/responses/ServiceUnavailable"}
        "504": {$ref: "#/components/responses/GatewayTimeout"}

  /inference/batch:
    post:
      tags: [inference]
      operationId: inferBatch
      summary: Run a model on several inputs; a bad item fails alone.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/BatchRequest"}
      responses:
        "200":
          description: One result per item, in order.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/BatchResponse"}
        "202": {$ref: "#/components/responses/TaskAccepted"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}
        "413": {$ref: "#/components/responses/PayloadTooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/UnprocessableContent"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}
        "503": {$ref: "#/components/responses/ServiceUnavailable"}

  /inference/{task_id}:
    parameters:
      - $ref: "#/components/parameters/TaskId"
    get:
      tags: [inference]
      operationId: getTask
      summary: An async task, with its result or error once finished.
      parameters:
        - name: output_format
          in: query
          description: Overrides the output format the task was submitted with.
          schema: {$ref: "#/components/schemas/OutputFormat"}
      responses:
        "200":
          description: The task.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Task"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}
    delete:
      tags: [inference]
      operationId: cancelTask
      summary: Cancel a queued or running task, or delete a finished one; answers the task as it is.
      responses:
        "200":
          description: The task.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Task"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}

  # ---------------------------------------------------------------- DeepStack
  /v1/vision/detection:
    post:
      tags: [deepstack]
      operationId: deepStackDetection
      summary: >
        Detect objects with the DeepStack model (--deepstack-model, else the first detector); at
        most --deepstack-max-predictions (20) predictions unless the form's max_predictions says
        otherwise. A request the route cannot serve is answered 200 with success false, the
        status in code and no predictions, as CodeProject.AI does.
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {$ref: "#/components/schemas/DeepStackForm"}
      responses:
        "200":
          description: The predictions, best first; or the failure, as CodeProject.AI answers it.
          content:
            application/json:
              schema:
                anyOf:
                  - $ref: "#/components/schemas/DeepStackResponse"
                  - $ref: "#/components/schemas/DeepStackError"
        "401": {$ref: "#/components/responses/DeepStackError"}
        "413": {$ref: "#/components/responses/DeepStackError"}
        "503": {$ref: "#/components/responses/DeepStackError"}

  /v1/vision/custom/list:
    post:
      tags: [deepstack]
      operationId: deepStackListModels
      summary: The detection models loaded.
      responses:
        "200":
          description: The models.
          content:
            application/json:
              schema:
                anyOf:
                  - $ref: "#/components/schemas/DeepStackModelList"
                  - $ref: "#/components/schemas/DeepStackError"
        "401": {$ref: "#/components/responses/DeepStackError"}
        "413": {$ref: "#/components/responses/DeepStackError"}

  /v1/server/status/ping:
    get:
      tags: [deepstack]
      operationId: codeProjectServerPing
      summary: CodeProject.AI's ping (Blue Iris, Agent DVR); the server's version. Needs no API key.
      security: []
      responses:
        "200":
          description: The version.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CodeProjectVersion"}

  /v1/server/status/version:
    get:
      tags: [deepstack]
      operationId: codeProjectServerVersion
      summary: CodeProject.AI's version route; the server's version.
      responses:
        "200":
          description: The version.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CodeProjectVersion"}
        "401": {$ref: "#/components/responses/DeepStackError"}

  /v1/server/status/system-status:
    get:
      tags: [deepstack]
      operationId: codeProjectServerSystemStatus
      summary: CodeProject.AI's system status; the service's backends, devices and models as text.
      responses:
        "200":
          description: The status.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CodeProjectSystemStatus"}
        "401": {$ref: "#/components/responses/DeepStackError"}

  /v1/server/status/modules/list:
    get:
      tags: [deepstack]
      operationId: codeProjectServerModulesList
      summary: CodeProject.AI's module statuses; one module per loaded model.
      responses:
        "200":
          description: The modules.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CodeProjectModules"}
        "401": {$ref: "#/components/responses/DeepStackError"}

  /v1/status/ping:
    get:
      tags: [deepstack]
      operationId: codeProjectLegacyPing
      summary: CodeProject.AI's ping (Blue Iris, Agent DVR); the server's version. Needs no API key.
      security: []
      responses:
        "200":
          description: The version.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CodeProjectVersion"}

  /v1/status/version:
    get:
      tags: [deepstack]
      operationId: codeProjectLegacyVersion
      summary: CodeProject.AI's version route; the server's version.
      responses:
        "200":
          description: The version.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CodeProjectVersion"}
        "401": {$ref: "#/components/responses/DeepStackError"}

  /v1/status/system-status:
    get:
      tags: [deepstack]
      operationId: codeProjectLegacySystemStatus
      summary: CodeProject.AI's system status; the service's backends, devices and models as text.
      responses:
        "200":
          description: The status.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CodeProjectSystemStatus"}
        "401": {$ref: "#/components/responses/DeepStackError"}

  /v1/status/modules/list:
    get:
      tags: [deepstack]
      operationId: codeProjectLegacyModulesList
      summary: CodeProject.AI's module statuses; one module per loaded model.
      responses:
        "200":
          description: The modules.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CodeProjectModules"}
        "401": {$ref: "#/components/responses/DeepStackError"}

  /v1/module/list/status:
    get:
      tags: [deepstack]
      operationId: codeProjectModuleStatus
      summary: CodeProject.AI's module statuses (its current route); one module per loaded model.
      responses:
        "200":
          description: The modules.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CodeProjectModules"}
        "401": {$ref: "#/components/responses/DeepStackError"}

  # ---------------------------------------------------------------- DOODS2
  /detectors:
    get:
      tags: [doods]
      operationId: doodsDetectors
      summary: Every loaded detection model as a DOODS detector (name = model id).
      responses:
        "200":
          description: The detectors.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/DOODSDetectors"}
        "401": {$ref: "#/components/responses/DOODSError"}

  /detect:
    post:
      tags: [doods]
      operationId: doodsDetect
      summary: Detect objects; minimum confidences in percent by label (`*` for any), globally and per region.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/DOODSDetectRequest"}
      responses:
        "200":
          description: The detections kept, best first.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/DOODSDetectResponse"}
        "400": {$ref: "#/components/responses/DOODSError"}
        "401": {$ref: "#/components/responses/DOODSError"}
        "413": {$ref: "#/components/responses/DOODSError"}
        "500": {$ref: "#/components/responses/DOODSError"}
        "503": {$ref: "#/components/responses/DOODSError"}
        "504": {$ref: "#/components/responses/DOODSError"}

  /image:
    post:
      tags: [doods]
      operationId: doodsImage
      summary: The image with the detections a detect request keeps drawn on it, as JPEG.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/DOODSDetectRequest"}
      responses:
        "200":
          description: The annotated image.
          headers:
            X-Detections:
              description: How many detections are drawn.
              schema: {type: integer}
          content:
            image/jpeg:
              schema: {contentMediaType: image/jpeg}
        "400": {$ref: "#/components/responses/DOODSError"}
        "401": {$ref: "#/components/responses/DOODSError"}
        "413": {$ref: "#/components/responses/DOODSError"}
        "500": {$ref: "#/components/responses/DOODSError"}
        "503": {$ref: "#/components/responses/DOODSError"}
        "504": {$ref: "#/components/responses/DOODSError"}

  /v1/vision/custom/{model}:
    post:
      tags: [deepstack]
      operationId: deepStackCustomDetection
      summary: >
        Detect objects with the named model; capped like /v1/vision/detection. A request the
        route cannot serve is answered 200 with success false, as CodeProject.AI does.
      parameters:
        - name: model
          in: path
          required: true
          description: Model id.
          schema: {type: string}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {$ref: "#/components/schemas/DeepStackForm"}
      responses:
        "200":
          description: The predictions, best first; or the failure, as CodeProject.AI answers it.
          content:
            application/json:
              schema:
                anyOf:
                  - $ref: "#/components/schemas/DeepStackResponse"
                  - $ref: "#/components/schemas/DeepStackError"
        "401": {$ref: "#/components/responses/DeepStackError"}
        "413": {$ref: "#/components/responses/DeepStackError"}
        "503": {$ref: "#/components/responses/DeepStackError"}

  # ---------------------------------------------------------------- KServe v2
  /v2:
    get:
      tags: [kserve]
      operationId: kserveServerMetadata
      summary: Server metadata.
      responses:
        "200":
          description: Name, version and extensions.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeServerMetadata"}
        "401": {$ref: "#/components/responses/KServeError"}

  /v2/health/live:
    get:
      tags: [kserve]
      operationId: kserveLive
      summary: 200 while the process serves HTTP (never needs an API key).
      security: []
      responses:
        "200":
          description: Live.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeLive"}

  /v2/health/ready:
    get:
      tags: [kserve]
      operationId: kserveReady
      summary: 200 when a backend can run models and every model to load at start (--config, --preload) is ready on an available device, else 503 with what it waits for (never needs an API key).
      security: []
      responses:
        "200":
          description: Ready.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeReady"}
        "503":
          description: "Not ready: {\"ready\": false, \"waiting_for\": [...]}."
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeReady"}

  /v2/models/stats:
    get:
      tags: [kserve]
      operationId: kserveAllModelStats
      summary: Triton-style statistics of every loaded model.
      responses:
        "200":
          description: The statistics.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeModelStatsList"}
        "401": {$ref: "#/components/responses/KServeError"}

  /v2/models/{model}:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
    get:
      tags: [kserve]
      operationId: kserveModelMetadata
      summary: Model metadata (-1 for dynamic dimensions).
      responses: &kserveMetadataResponses
        "200":
          description: The model's metadata.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeModelMetadata"}
        "401": {$ref: "#/components/responses/KServeError"}
        "404": {$ref: "#/components/responses/KServeError"}
        "503": {$ref: "#/components/responses/KServeError"}

  /v2/models/{model}/versions/{version}:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
      - $ref: "#/components/parameters/KServeVersion"
    get:
      tags: [kserve]
      operationId: kserveModelVersionMetadata
      summary: Model metadata of version 1 (the only one).
      responses: *kserveMetadataResponses

  /v2/models/{model}/ready:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
    get:
      tags: [kserve]
      operationId: kserveModelReady
      summary: 200 when the model is loaded and ready; 404 unknown, 503 loading or failed.
      responses: &kserveReadyResponses
        "200":
          description: Ready.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeModelReady"}
        "401": {$ref: "#/components/responses/KServeError"}
        "404": {$ref: "#/components/responses/KServeError"}
        "503": {$ref: "#/components/responses/KServeError"}

  /v2/models/{model}/versions/{version}/ready:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
      - $ref: "#/components/parameters/KServeVersion"
    get:
      tags: [kserve]
      operationId: kserveModelVersionReady
      summary: Readiness of version 1 of the model.
      responses: *kserveReadyResponses

  /v2/models/{model}/config:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
    get:
      tags: [kserve]
      operationId: kserveModelConfig
      summary: Triton-style model configuration.
      responses: &kserveConfigResponses
        "200":
          description: The model's configuration.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeModelConfig"}
        "401": {$ref: "#/components/responses/KServeError"}
        "404": {$ref: "#/components/responses/KServeError"}
        "503": {$ref: "#/components/responses/KServeError"}

  /v2/models/{model}/versions/{version}/config:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
      - $ref: "#/components/parameters/KServeVersion"
    get:
      tags: [kserve]
      operationId: kserveModelVersionConfig
      summary: Triton-style model configuration of version 1.
      responses: *kserveConfigResponses

  /v2/models/{model}/stats:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
    get:
      tags: [kserve]
      operationId: kserveModelStats
      summary: Triton-style statistics of the model.
      responses: &kserveStatsResponses
        "200":
          description: The model's statistics.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeModelStatsList"}
        "401": {$ref: "#/components/responses/KServeError"}
        "404": {$ref: "#/components/responses/KServeError"}

  /v2/models/{model}/versions/{version}/stats:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
      - $ref: "#/components/parameters/KServeVersion"
    get:
      tags: [kserve]
      operationId: kserveModelVersionStats
      summary: Triton-style statistics of version 1 of the model.
      responses: *kserveStatsResponses

  /v2/models/{model}/infer:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
    post:
      tags: [kserve]
      operationId: kserveInfer
      summary: Inference with JSON tensors or Triton's binary tensor data.
      parameters:
        - $ref: "#/components/parameters/InferenceHeaderContentLength"
      requestBody: {$ref: "#/components/requestBodies/KServeInfer"}
      responses: &kserveInferResponses
        "200":
          description: >
            The outputs as JSON, or (with binary outputs) application/octet-stream: the JSON
            header of Inference-Header-Content-Length bytes followed by the outputs' bytes.
          headers:
            Inference-Header-Content-Length:
              description: Length of the JSON header (binary answers only).
              schema: {type: integer}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeInferResponse"}
            application/octet-stream:
              schema: {contentMediaType: application/octet-stream}
        "400": {$ref: "#/components/responses/KServeError"}
        "401": {$ref: "#/components/responses/KServeError"}
        "404": {$ref: "#/components/responses/KServeError"}
        "413": {$ref: "#/components/responses/KServeError"}
        "415": {$ref: "#/components/responses/KServeError"}
        "500": {$ref: "#/components/responses/KServeError"}
        "501": {$ref: "#/components/responses/KServeError"}
        "503": {$ref: "#/components/responses/KServeError"}

  /v2/models/{model}/versions/{version}/infer:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
      - $ref: "#/components/parameters/KServeVersion"
    post:
      tags: [kserve]
      operationId: kserveVersionInfer
      summary: Inference on version 1 of the model.
      parameters:
        - $ref: "#/components/parameters/InferenceHeaderContentLength"
      requestBody: {$ref: "#/components/requestBodies/KServeInfer"}
      responses: *kserveInferResponses

  /v2/repository/index:
    post:
      tags: [kserve]
      operationId: kserveRepositoryIndex
      summary: The loaded models and the models root's files, with their states, sorted by name.
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: "#/components/schemas/KServeRepositoryIndexRequest"}
      responses:
        "200":
          description: The index.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/KServeRepositoryEntry"}
        "400": {$ref: "#/components/responses/KServeError"}
        "401": {$ref: "#/components/responses/KServeError"}
        "413": {$ref: "#/components/responses/KServeError"}

  /v2/repository/models/{model}/load:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
    post:
      tags: [kserve]
      operationId: kserveRepositoryLoad
      summary: Load a model of the models root (or an uploaded file) under the name `model`.
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: "#/components/schemas/KServeRepositoryLoadRequest"}
      responses:
        "200":
          description: Loaded (or already loaded from the same file).
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeRepositoryEntry"}
        "400": {$ref: "#/components/responses/KServeError"}
        "401": {$ref: "#/components/responses/KServeError"}
        "403": {$ref: "#/components/responses/KServeError"}
        "404": {$ref: "#/components/responses/KServeError"}
        "413": {$ref: "#/components/responses/KServeError"}
        "500": {$ref: "#/components/responses/KServeError"}
        "503": {$ref: "#/components/responses/KServeError"}

  /v2/repository/models/{model}/unload:
    parameters:
      - $ref: "#/components/parameters/KServeModel"
    post:
      tags: [kserve]
      operationId: kserveRepositoryUnload
      summary: Unload a model once its requests in flight finish.
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: "#/components/schemas/KServeRepositoryUnloadRequest"}
      responses:
        "200":
          description: Unloaded.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KServeRepositoryEntry"}
        "400": {$ref: "#/components/responses/KServeError"}
        "401": {$ref: "#/components/responses/KServeError"}
        "404": {$ref: "#/components/responses/KServeError"}
        "413": {$ref: "#/components/responses/KServeError"}
        "500": {$ref: "#/components/responses/KServeError"}

components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      description: One of the service's API keys (--api-key), when keys are configured.
    apiKeyHeader:
      type: apiKey
      in: header
      name: X-API-Key
      description: One of the service's API keys, when keys are configured.
    doodsAuthKey:
      type: apiKey
      in: header
      name: doods-auth-key
      description: One of the service's API keys, as DOODS clients send it.

  parameters:
    ModelId:
      name: model_id
      in: path
      required: true
      description: Model id (1 to 128 of A-Z a-z 0-9 . _ -).
      schema: {type: string}
    TaskId:
      name: task_id
      in: path
      required: true
      description: >
        Task id returned by an async request: `<node>_<uuid>`, the node being the host that
        holds the task (--node-name), so that a balancer can route its polls there.
      schema: {type: string}
    KServeModel:
      name: model
      in: path
      required: true
      description: Model name (the native model id).
      schema: {type: string}
    KServeVersion:
      name: version
      in: path
      required: true
      description: Model version; only "1" exists.
      schema: {type: string}
    InferenceHeaderContentLength:
      name: Inference-Header-Content-Length
      in: header
      required: false
      description: Length in bytes of the JSON header when binary tensor data follows it.
      schema: {type: integer, minimum: 0}

  requestBodies:
    KServeInfer:
      required: true
      content:
        application/json:
          schema: {$ref: "#/components/schemas/KServeInferRequest"}
        application/octet-stream:
          schema:
            contentMediaType: application/octet-stream
            description: >
              The JSON header (Inference-Header-Content-Length bytes) followed by the binary
              inputs' raw bytes, in the order of `inputs`.

  headers:
    RetryAfter:
      description: Seconds to wait before retrying.
      schema: {type: integer}
    XHailo8Node:
      description: >
        The host that answered (--node-name, default the host name); on every answer, errors
        included. Not declared on each response: it is on all of them.
      schema: {type: string, pattern: "^[A-Za-z0-9.-]{1,128}$"}

  responses:
    # native errors: {"error": {"code", "message"}}
    BadRequest:
      description: Malformed request (invalid_request, out_of_range, invalid_json, invalid_http, invalid_base64, invalid_dtype, path_outside_models_dir, invalid_image, ...).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    Unauthorized:
      description: Missing or wrong API key (unauthorized).
      headers:
        WWW-Authenticate:
          schema: {type: string}
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    Forbidden:
      description: The service's user may not read the model file (model_file_unreadable).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    NotFound:
      description: Unknown model, model file, task or route (model_not_found, model_file_not_found, task_not_found, not_found).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    Conflict:
      description: The model id is taken by another file or other settings (model_id_conflict).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    PayloadTooLarge:
      description: Body or image too large (payload_too_large, image_too_large).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    UnsupportedMediaType:
      description: Content-Type or image format not accepted (unsupported_media_type, unsupported_image_format).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    UnprocessableContent:
      description: Wrong tensor shape or dtype, or a model the runtime rejects (shape_mismatch, dtype_mismatch, model_load_failed, ...).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    TooManyRequests:
      description: The model's queue or the task store is full (queue_full, task_store_full).
      headers:
        Retry-After: {$ref: "#/components/headers/RetryAfter"}
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    ServiceUnavailable:
      description: Backend not available or model not ready (model_not_ready, ...).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    GatewayTimeout:
      description: The request's deadline passed (deadline_exceeded).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    InternalError:
      description: Internal failure (internal_error).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    TaskAccepted:
      description: Accepted as an async task (async true); poll its status_url.
      headers:
        Location:
          description: The task's URL, /inference/{task_id}.
          schema: {type: string}
      content:
        application/json:
          schema: {$ref: "#/components/schemas/TaskAccepted"}
    # DeepStack errors: {"success": false, "error": "...", "code": STATUS}
    DeepStackError:
      description: >
        A DeepStack error that keeps its HTTP status: a missing API key (401), an unknown route
        under /v1/ (404, 405), a body over the limit (413), a busy service (503).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/DeepStackError"}
    # DOODS errors: {"id", "detections": [], "error": "..."}
    DOODSError:
      description: A DOODS2 error; every failed detection the client could fix is 400, as in DOODS2.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/DOODSError"}
    # KServe errors: {"error": "..."}
    KServeError:
      description: An Open Inference Protocol error, with Triton's status mapping.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/KServeError"}

  schemas:
    # ------------------------------------------------------------ shared
    Error:
      type: object
      description: Error body of the native routes.
      required: [error]
      properties:
        error: {$ref: "#/components/schemas/ErrorDetail"}
    ErrorDetail:
      type: object
      required: [code, message]
      properties:
        code:
          type: string
          description: snake_case error code, e.g. shape_mismatch.
        message:
          type: string
          description: What went wrong and what to do.
    Dtype:
      type: string
      description: Element type, as numpy names it.
      enum: [float32, float64, float16, bfloat16, uint8, int8, uint16, int16, uint32, int32, uint64, int64, bool]
    OutputFormat:
      type: string
      description: "`base64`: raw little-endian bytes; `list`: nested JSON arrays."
      enum: [base64, list]
    InputType:
      type: string
      description: What the input bytes are (case-insensitive); default sniffed from magic bytes.
      enum: [tensor, image, jpeg, jpg, png, rgb24, bgr24, nv12]
    DeviceKind:
      type: string
      enum: [cpu, hailo]
    DeviceChoice:
      type: string
      enum: [auto, cpu, hailo]
    Shape:
      type: array
      description: Dimensions; -1 for a dynamic one.
      items: {type: integer}
    NestedValues:
      description: Tensor elements as nested arrays following the shape (a scalar for a 0-d tensor).
      anyOf:
        - type: [number, boolean]
        - type: array
          items: {$ref: "#/components/schemas/NestedValues"}

    # ------------------------------------------------------------ service
    BackendStatus:
      type: object
      required: [available, runtime]
      properties:
        available: {type: boolean}
        runtime:
          type: string
          description: e.g. onnxruntime, hailort.
        version: {type: string}
        library: {type: string}
        reason:
          type: string
          description: Why the backend is unavailable.
        state:
          type: string
          description: The backend's own state (ready, recovering, unavailable, ...).
    Health:
      type: object
      required: [status, backends, models]
      properties:
        status: {type: string, enum: [ok, unavailable]}
        backends:
          type: object
          description: By backend kind (cpu, hailo).
          additionalProperties: {$ref: "#/components/schemas/BackendStatus"}
        models:
          type: object
          required: [loaded, failed]
          properties:
            loaded: {type: integer}
            failed: {type: integer}
    Device:
      type: object
      required: [id, kind, name, available, state, runtime, details, models]
      properties:
        id: {type: string}
        kind: {$ref: "#/components/schemas/DeviceKind"}
        name: {type: string}
        available: {type: boolean}
        state: {type: string}
        runtime: {type: string}
        runtime_version:
          type: string
          description: The runtime's version (ONNX Runtime, HailoRT).
        library: {type: string}
        reason: {type: string}
        details:
          type: object
          description: >
            Backend-specific facts (threads, temperature_c, power_w, firmware, ...). The CPU's
            cores are those the process may use; host_cores, cpu_limit and memory_limit_bytes
            (when the cgroup has them) beside them.
          additionalProperties: {type: string}
        models:
          type: array
          description: Ids of the models on this kind of device.
          items: {type: string}
    DeviceList:
      type: object
      required: [devices, unavailable]
      properties:
        devices:
          type: array
          items: {$ref: "#/components/schemas/Device"}
        unavailable:
          type: array
          description: Backends not part of this build.
          items:
            type: object
            required: [kind, reason]
            properties:
              kind: {type: string}
              reason: {type: string}
    LatencyMs:
      type: object
      description: Latency percentiles in ms; empty when there is no data.
      properties:
        p50: {type: number}
        p99: {type: number}
        mean: {type: number}
    ModelStatus:
      type: object
      required: [model_id, device, state, requests, succeeded, failed, in_flight, queue_depth, latency_ms, latency_window, last_minute]
      properties:
        model_id: {type: string}
        device: {$ref: "#/components/schemas/DeviceKind"}
        state: {$ref: "#/components/schemas/ModelState"}
        requests: {type: integer}
        succeeded: {type: integer}
        failed: {type: integer}
        in_flight: {type: integer}
        queue_depth: {type: integer}
        latency_ms: {$ref: "#/components/schemas/LatencyMs"}
        latency_window:
          type: integer
          description: Requests behind latency_ms (at most 1024).
        last_minute:
          type: object
          required: [requests, failed, seconds, requests_per_second, latency_ms]
          properties:
            requests: {type: integer}
            failed: {type: integer}
            seconds: {type: number}
            requests_per_second: {type: number}
            latency_ms: {$ref: "#/components/schemas/LatencyMs"}
    DeviceStatus:
      type: object
      required: [id, kind, state, available]
      properties:
        id: {type: string}
        kind: {$ref: "#/components/schemas/DeviceKind"}
        state: {type: string}
        available: {type: boolean}
        temperature_c: {type: number}
        power_w: {type: number}
    Resources:
      type: object
      description: >
        The process's cgroup limits, the threads sized from them and its usage now; null when
        unknown (docs/api.md, Resource limits).
      required: [cpu_limit, cpus, host_cpus, cgroup, memory_limit_bytes, memory_usage_bytes, cpu_usage_seconds, threads]
      properties:
        cpu_limit:
          type: [number, "null"]
          description: The CPU quota in CPUs; null when there is none or it cannot be read.
        cpus:
          type: integer
          description: CPUs the process can use, max(1, min(affinity, ceil(quota))).
        host_cpus: {type: integer}
        cgroup:
          type: [string, "null"]
          enum: [v1, v2, null]
        memory_limit_bytes: {type: [integer, "null"]}
        memory_usage_bytes: {type: [integer, "null"]}
        cpu_usage_seconds:
          type: [number, "null"]
          description: CPU time the cgroup used since it was made.
        threads:
          type: object
          required: [inference, intra_op, vision]
          properties:
            inference: {type: integer}
            intra_op:
              type: integer
              description: Intra-op threads of an ONNX run that has the cores to itself (of models without their own).
            intra_op_shared:
              type: integer
              description: Intra-op threads of each ONNX run while runs share the cores; absent when every run uses intra_op.
            vision: {type: integer}
    Status:
      type: object
      required: [status, node, ready, waiting_for, uptime_seconds, started_at, backends, models, tasks, devices, resources]
      properties:
        status: {type: string, enum: [ok, unavailable]}
        node:
          type: string
          description: This host's name (--node-name), as in task ids and the X-Hailo8-Node header.
        ready:
          type: boolean
          description: As GET /v2/health/ready.
        waiting_for:
          type: array
          items: {type: string}
        uptime_seconds: {type: number}
        started_at: {type: string, format: date-time}
        backends:
          type: object
          additionalProperties: {$ref: "#/components/schemas/BackendStatus"}
        models:
          type: array
          items: {$ref: "#/components/schemas/ModelStatus"}
        tasks:
          type: object
          required: [stored, capacity]
          properties:
            stored: {type: integer}
            capacity: {type: integer}
        devices:
          type: array
          items: {$ref: "#/components/schemas/DeviceStatus"}
        resources: {$ref: "#/components/schemas/Resources"}

    # ------------------------------------------------------------ models
    ModelState:
      type: string
      enum: [loading, ready, failed, unloading, recovering]
    TensorSpec:
      type: object
      required: [name, dtype, shape]
      properties:
        name: {type: string}
        dtype: {$ref: "#/components/schemas/Dtype"}
        shape: {$ref: "#/components/schemas/Shape"}
    ModelOptions:
      type: object
      description: Load options; unset ones take the service's defaults.
      properties:
        intra_op_threads: {type: integer}
        inter_op_threads: {type: integer}
        graph_optimization: {type: string, enum: [disabled, basic, extended, all]}
        input_shapes:
          type: object
          additionalProperties: {type: array, items: {type: integer}}
        max_queue: {type: integer}
        max_in_flight: {type: integer}
        max_batch_size: {type: integer}
        max_queue_delay_us: {type: integer}
        batch_size: {type: integer}
        power_mode: {type: string}
        scheduler_priority: {type: integer}
        scheduler_timeout_ms: {type: integer}
        scheduler_threshold: {type: integer}
        nms_score_threshold: {type: number}
        nms_iou_threshold: {type: number}
        nms_max_proposals_per_class: {type: integer}
        postprocess: {type: string}
        input_layout: {type: string}
        input_dtype: {type: string}
        mean: {type: array, items: {type: number}}
        std: {type: array, items: {type: number}}
        bgr: {type: boolean}
        resize: {type: string}
        score_threshold: {type: number}
        iou_threshold: {type: number}
        max_detections: {type: integer}
    Model:
      type: object
      required: [model_id, device, state, format, source, uploaded, inputs, outputs, default_input_shapes, metadata, options, counters]
      properties:
        model_id: {type: string}
        device: {$ref: "#/components/schemas/DeviceKind"}
        state: {$ref: "#/components/schemas/ModelState"}
        format: {type: string, enum: [onnx, hef]}
        source:
          type: string
          description: File relative to the models root, or uploads/... for uploads.
        uploaded: {type: boolean}
        inputs:
          type: array
          description: Empty while the model is not loaded.
          items: {$ref: "#/components/schemas/TensorSpec"}
        outputs:
          type: array
          items: {$ref: "#/components/schemas/TensorSpec"}
        default_input_shapes:
          type: object
          description: Shapes used for dynamic dimensions when a request gives none, by input.
          additionalProperties: {type: array, items: {type: integer}}
        labels:
          type: array
          description: Class names (given at load, else the model's own).
          items: {type: string}
        metadata:
          type: object
          additionalProperties: {type: string}
        options: {$ref: "#/components/schemas/ModelOptions"}
        error:
          type: string
          description: Why a failed model could not be loaded.
        loaded_at: {type: string, format: date-time}
        counters:
          type: object
          required: [requests, succeeded, failed, in_flight]
          properties:
            requests: {type: integer}
            succeeded: {type: integer}
            failed: {type: integer}
            in_flight: {type: integer}
    ModelList:
      type: object
      required: [models]
      properties:
        models:
          type: array
          items: {$ref: "#/components/schemas/Model"}
    ModelUnloaded:
      type: object
      required: [model_id, state]
      properties:
        model_id: {type: string}
        state: {type: string, const: unloaded}
    LoadRequest:
      type: object
      required: [model_path]
      properties:
        model_path:
          type: string
          description: File inside the models root (relative, or absolute inside it).
        model_id:
          type: string
          description: Defaults to the file name without extension; [A-Za-z0-9._-]{1,128}.
        device: {$ref: "#/components/schemas/DeviceChoice"}
        labels: {type: array, items: {type: string}}
        labels_file:
          type: string
          description: File of the models root with one class name per line, or a JSON list.
        options: {$ref: "#/components/schemas/ModelOptions"}
    LoadUploadForm:
      type: object
      description: The model in a `file` (or `model`) part; its filename gives the format and the default id.
      anyOf:
        - required: [file]
        - required: [model]
      properties:
        file:
          contentMediaType: application/octet-stream
        model:
          contentMediaType: application/octet-stream
        model_id: {type: string}
        device: {$ref: "#/components/schemas/DeviceChoice"}
        labels:
          type: string
          description: A JSON list of class names.
        options:
          type: string
          description: A JSON object of ModelOptions.

    # ------------------------------------------------------------ inference
    InputTensor:
      type: object
      required: [data]
      properties:
        data:
          type: string
          contentEncoding: base64
          description: Raw little-endian element bytes, row-major.
        dtype:
          type: string
          description: Must be the model input's (default); numpy or KServe names.
        shape:
          type: array
          items: {type: integer}
    InferenceRequest:
      type: object
      description: A tensor request (input_data or inputs), or an image in input_data.
      required: [model_id]
      properties:
        model_id: {type: string}
        input_data:
          type: string
          contentEncoding: base64
          description: Bytes of the only input, or an encoded image (JPEG, PNG) or raw frame.
        shape: {type: array, items: {type: integer}}
        dtype: {type: string}
        inputs:
          type: object
          description: Several inputs by name.
          additionalProperties: {$ref: "#/components/schemas/InputTensor"}
        outputs:
          type: array
          description: Output names to return (default all).
          items: {type: string}
        output_format: {$ref: "#/components/schemas/OutputFormat"}
        async:
          type: boolean
          description: Answer 202 with a task at once (tensor requests only).
        timeout_ms: {type: integer, minimum: 1}
        input_type: {$ref: "#/components/schemas/InputType"}
        width: {type: integer}
        height: {type: integer}
        score_threshold: {type: number}
        iou_threshold: {type: number}
        max_detections: {type: integer}
        classes:
          type: array
          description: Class names or ids to keep.
          items: {type: [string, integer]}
        annotate: {type: boolean}
        include_outputs: {type: boolean}
    ImageForm:
      type: object
      description: The picture in an `image` (or `file`) part, and text fields.
      required: [model_id]
      anyOf:
        - required: [image]
        - required: [file]
      properties:
        image:
          contentMediaType: application/octet-stream
        file:
          contentMediaType: application/octet-stream
        model_id: {type: string}
        input_type: {$ref: "#/components/schemas/InputType"}
        width: {type: integer}
        height: {type: integer}
        score_threshold: {type: number}
        min_confidence: {type: number}
        iou_threshold: {type: number}
        max_detections: {type: integer}
        classes:
          type: string
          description: Comma-separated class names or ids.
        annotate: {type: string}
        include_outputs: {type: string}
        output_format: {$ref: "#/components/schemas/OutputFormat"}
        timeout_ms: {type: integer}
    Tensor:
      type: object
      required: [name, dtype, shape, data]
      properties:
        name: {type: string}
        dtype: {$ref: "#/components/schemas/Dtype"}
        shape: {type: array, items: {type: integer}}
        data:
          description: Base64 of the raw bytes (output_format base64), or nested arrays (list).
          anyOf:
            - type: string
              contentEncoding: base64
            - $ref: "#/components/schemas/NestedValues"
    Timing:
      type: object
      required: [queue_ms, inference_ms, total_ms]
      properties:
        queue_ms: {type: number}
        inference_ms: {type: number}
        total_ms: {type: number}
    InferenceResponse:
      type: object
      required: [model_id, outputs, timing]
      properties:
        model_id: {type: string}
        outputs:
          type: array
          items: {$ref: "#/components/schemas/Tensor"}
        timing: {$ref: "#/components/schemas/Timing"}
    Box:
      type: object
      description: Corners in the posted image's pixels.
      required: [x_min, y_min, x_max, y_max]
      properties:
        x_min: {type: number}
        y_min: {type: number}
        x_max: {type: number}
        y_max: {type: number}
    Detection:
      type: object
      required: [label, class_id, score, box]
      properties:
        label: {type: string}
        class_id: {type: integer}
        score: {type: number}
        box: {$ref: "#/components/schemas/Box"}
    DetectionTiming:
      type: object
      required: [decode_ms, preprocess_ms, queue_ms, inference_ms, postprocess_ms, total_ms]
      properties:
        decode_ms: {type: number}
        preprocess_ms: {type: number}
        queue_ms: {type: number}
        inference_ms: {type: number}
        postprocess_ms: {type: number}
        total_ms: {type: number}
    DetectionResponse:
      type: object
      description: The answer to an image request.
      required: [model_id, image, timing]
      properties:
        model_id: {type: string}
        image:
          type: object
          required: [width, height]
          properties:
            width: {type: integer}
            height: {type: integer}
        detections:
          type: array
          description: Absent when the model is not a detector.
          items: {$ref: "#/components/schemas/Detection"}
        outputs:
          type: array
          description: With include_outputs, or when the model is not a detector.
          items: {$ref: "#/components/schemas/Tensor"}
        timing: {$ref: "#/components/schemas/DetectionTiming"}
    BatchItemRequest:
      type: object
      properties:
        input_data: {type: string, contentEncoding: base64}
        shape: {type: array, items: {type: integer}}
        dtype: {type: string}
        inputs:
          type: object
          additionalProperties: {$ref: "#/components/schemas/InputTensor"}
        outputs: {type: array, items: {type: string}}
        timeout_ms: {type: integer, minimum: 1}
    BatchRequest:
      type: object
      required: [model_id, items]
      properties:
        model_id: {type: string}
        items:
          type: array
          minItems: 1
          items: {$ref: "#/components/schemas/BatchItemRequest"}
        output_format: {$ref: "#/components/schemas/OutputFormat"}
        async: {type: boolean}
        timeout_ms: {type: integer, minimum: 1}
    BatchResult:
      type: object
      required: [index, status]
      properties:
        index: {type: integer}
        status: {type: string, enum: [succeeded, failed]}
        outputs:
          type: array
          items: {$ref: "#/components/schemas/Tensor"}
        timing: {$ref: "#/components/schemas/Timing"}
        error: {$ref: "#/components/schemas/ErrorDetail"}
    BatchResponse:
      type: object
      required: [model_id, succeeded, failed, results]
      properties:
        model_id: {type: string}
        succeeded: {type: integer}
        failed: {type: integer}
        results:
          type: array
          items: {$ref: "#/components/schemas/BatchResult"}
    TaskAccepted:
      type: object
      required: [task_id, status, status_url]
      properties:
        task_id:
          type: string
          description: "`<node>_<uuid>`: the host that holds the task, then a UUID."
          pattern: "^[A-Za-z0-9.-]{1,128}_[0-9a-f-]{36}$"
        status: {type: string, const: queued}
        status_url: {type: string}
    Task:
      type: object
      required: [task_id, model_id, kind, status, created_at]
      properties:
        task_id: {type: string}
        model_id: {type: string}
        kind: {type: string, enum: [inference, batch]}
        status: {type: string, enum: [queued, running, succeeded, failed, expired, cancelled]}
        created_at: {type: string, format: date-time}
        started_at: {type: string, format: date-time}
        finished_at: {type: string, format: date-time}
        result:
          description: The synchronous answer, once succeeded.
          anyOf:
            - $ref: "#/components/schemas/InferenceResponse"
            - $ref: "#/components/schemas/BatchResponse"
        error: {$ref: "#/components/schemas/ErrorDetail"}

    # ------------------------------------------------------------ DeepStack
    DeepStackForm:
      type: object
      required: [image]
      properties:
        image:
          contentMediaType: application/octet-stream
        min_confidence:
          type: number
          minimum: 0
          maximum: 1
          default: 0.4
        api_key:
          type: string
          description: An API key, as DeepStack clients send it.
        max_predictions:
          type: integer
          minimum: 0
          description: Most predictions to answer, best first, instead of --deepstack-max-predictions; 0 for all.
    DeepStackPrediction:
      type: object
      required: [label, confidence, x_min, y_min, x_max, y_max]
      properties:
        label: {type: string}
        confidence: {type: number}
        x_min: {type: integer}
        y_min: {type: integer}
        x_max: {type: integer}
        y_max: {type: integer}
    DeepStackResponse:
      type: object
      required: [success, predictions, count, inferenceMs, processMs]
      properties:
        success: {type: boolean, const: true}
        predictions:
          type: array
          items: {$ref: "#/components/schemas/DeepStackPrediction"}
        count: {type: integer}
        inferenceMs: {type: integer}
        processMs: {type: integer}
    DeepStackModelList:
      type: object
      required: [success, models]
      properties:
        success: {type: boolean, const: true}
        models:
          type: array
          items: {type: string}
    DeepStackError:
      type: object
      required: [success, error, code]
      properties:
        success: {type: boolean, const: false}
        error: {type: string}
        code:
          type: integer
          description: The HTTP status the failure stands for (also when it is answered with 200).
        predictions:
          description: Empty; present when the error is answered with HTTP 200.
          type: array
          maxItems: 0
        count: {type: integer, const: 0}
    CodeProjectVersion:
      type: object
      required: [success, code, hostname, message, version]
      properties:
        success: {type: boolean, const: true}
        code: {type: integer}
        hostname: {type: string}
        message:
          type: string
          description: The service's version.
        server: {type: string, const: hailo8-service}
        version:
          type: object
          required: [major, minor, patch]
          properties:
            major: {type: integer}
            minor: {type: integer}
            patch: {type: integer}
            preRelease: {type: [string, "null"]}
            securityUpdate: {type: boolean}
            build: {type: integer}
    CodeProjectSystemStatus:
      type: object
      required: [success, code, hostname, data]
      properties:
        success: {type: boolean, const: true}
        code: {type: integer}
        hostname: {type: string}
        data:
          type: object
          required: [serverStatus]
          properties:
            systemMemUsage:
              type: integer
              description: Bytes of memory in use on the machine (MemTotal - MemAvailable).
            serverStatus:
              type: string
              description: The version, backends, devices and loaded models, as text.
    CodeProjectModules:
      type: object
      required: [success, code, hostname, statuses]
      properties:
        success: {type: boolean, const: true}
        code: {type: integer}
        hostname: {type: string}
        statuses:
          type: array
          items:
            type: object
            required: [moduleId, name, queue, version, status, requestCount, statusData]
            properties:
              moduleId:
                type: string
                description: The model id.
              name: {type: string}
              queue: {type: string}
              version: {type: string}
              started: {type: string, format: date-time}
              status:
                type: string
                enum: [Started, Starting, FailedStart, Stopping]
              requestCount: {type: integer}
              statusData:
                type: object
                additionalProperties: {type: string}

    # ------------------------------------------------------------ DOODS2
    DOODSDetector:
      type: object
      required: [name, type, model, labels, width, height]
      properties:
        name:
          type: string
          description: The model id.
        type:
          type: string
          enum: [onnx, hef]
        model:
          type: string
          description: The model file, relative to the models directory.
        labels:
          type: array
          items: {type: string}
        width: {type: integer}
        height: {type: integer}
    DOODSDetectors:
      type: object
      required: [detectors]
      properties:
        detectors:
          type: array
          items: {$ref: "#/components/schemas/DOODSDetector"}
    DOODSThresholds:
      type: object
      description: Minimum confidence in percent by label; `*` for any label.
      additionalProperties:
        type: number
        minimum: 0
        maximum: 100
    DOODSDetectRequest:
      type: object
      required: [data]
      properties:
        id: {type: string}
        detector_name:
          type: string
          description: A model id; `default` (or none) for --deepstack-model, else the first detector.
          default: default
        data:
          type: string
          contentEncoding: base64
          description: The image (JPEG or PNG), base64.
        image:
          type: [string, boolean]
          description: Ask /detect for the annotated image (jpg, jpeg, .jpg, image/jpeg or true).
        detect: {$ref: "#/components/schemas/DOODSThresholds"}
        regions:
          type: array
          items:
            type: object
            required: [top, left, bottom, right]
            properties:
              id: {type: string}
              top: {type: number, minimum: 0, maximum: 1}
              left: {type: number, minimum: 0, maximum: 1}
              bottom: {type: number, minimum: 0, maximum: 1}
              right: {type: number, minimum: 0, maximum: 1}
              covers:
                type: boolean
                default: false
                description: The detection must lie inside the region (else overlapping it is enough).
              detect: {$ref: "#/components/schemas/DOODSThresholds"}
        preprocess:
          type: array
          maxItems: 0
          description: Not supported; must be empty.
        throttle: {type: number}
    DOODSDetection:
      type: object
      required: [top, left, bottom, right, label, confidence]
      properties:
        top: {type: number, minimum: 0, maximum: 1}
        left: {type: number, minimum: 0, maximum: 1}
        bottom: {type: number, minimum: 0, maximum: 1}
        right: {type: number, minimum: 0, maximum: 1}
        label: {type: string}
        confidence:
          type: number
          description: In percent.
        region_id:
          type: string
          description: The region that kept the detection.
    DOODSDetectResponse:
      type: object
      required: [detections, duration]
      not: {required: [error]}
      properties:
        id: {type: string}
        image:
          type: string
          contentEncoding: base64
          description: The annotated JPEG, when asked for.
        detections:
          type: array
          items: {$ref: "#/components/schemas/DOODSDetection"}
        duration:
          type: integer
          description: Milliseconds.
    DOODSError:
      type: object
      required: [detections, error]
      properties:
        id: {type: string}
        detections:
          type: array
          maxItems: 0
        error: {type: string}

    # ------------------------------------------------------------ KServe
    KServeError:
      type: object
      required: [error]
      properties:
        error: {type: string}
    KServeDatatype:
      type: string
      enum: [BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BF16, BYTES]
    KServeParameters:
      type: object
      additionalProperties:
        type: [boolean, number, string]
    KServeServerMetadata:
      type: object
      required: [name, version, extensions]
      properties:
        name: {type: string}
        version: {type: string}
        extensions:
          type: array
          items: {type: string}
    KServeLive:
      type: object
      required: [live]
      properties:
        live: {type: boolean}
    KServeReady:
      type: object
      required: [ready, waiting_for]
      properties:
        ready: {type: boolean}
        waiting_for:
          type: array
          description: Why it is not ready, one line per cause; empty when ready.
          items: {type: string}
    KServeModelReady:
      type: object
      required: [name, ready]
      properties:
        name: {type: string}
        ready: {type: boolean}
    KServeTensorMetadata:
      type: object
      required: [name, datatype, shape]
      properties:
        name: {type: string}
        datatype: {$ref: "#/components/schemas/KServeDatatype"}
        shape: {$ref: "#/components/schemas/Shape"}
    KServeModelMetadata:
      type: object
      required: [name, versions, platform, inputs, outputs]
      properties:
        name: {type: string}
        versions:
          type: array
          items: {type: string}
        platform: {type: string, enum: [onnxruntime_onnx, hailo_hef]}
        inputs:
          type: array
          items: {$ref: "#/components/schemas/KServeTensorMetadata"}
        outputs:
          type: array
          items: {$ref: "#/components/schemas/KServeTensorMetadata"}
    KServeConfigTensor:
      type: object
      required: [name, data_type, dims]
      properties:
        name: {type: string}
        data_type:
          type: string
          description: TYPE_FP32, TYPE_UINT8, TYPE_BOOL, ...
        dims: {$ref: "#/components/schemas/Shape"}
    KServeModelConfig:
      type: object
      required: [name, platform, backend, max_batch_size, input, output, version_policy, instance_group, parameters]
      properties:
        name: {type: string}
        platform: {type: string, enum: [onnxruntime_onnx, hailo_hef]}
        backend: {type: string, enum: [onnxruntime, hailort]}
        max_batch_size: {type: integer}
        input:
          type: array
          items: {$ref: "#/components/schemas/KServeConfigTensor"}
        output:
          type: array
          items: {$ref: "#/components/schemas/KServeConfigTensor"}
        version_policy:
          type: object
          required: [specific]
          properties:
            specific:
              type: object
              required: [versions]
              properties:
                versions: {type: array, items: {type: integer}}
        instance_group:
          type: array
          items:
            type: object
            required: [name, kind, count]
            properties:
              name: {type: string}
              kind: {type: string, enum: [KIND_CPU, KIND_MODEL]}
              count: {type: integer}
        parameters:
          type: object
          description: source, device, labels (a JSON list), default_shape.<input>.
          additionalProperties:
            type: object
            required: [string_value]
            properties:
              string_value: {type: string}
    KServeDuration:
      type: object
      required: [count, ns]
      properties:
        count: {type: integer}
        ns:
          type: integer
          description: Cumulative nanoseconds since the model was loaded.
    KServeModelStat:
      type: object
      required: [name, version, last_inference, inference_count, execution_count, inference_stats, batch_stats]
      properties:
        name: {type: string}
        version: {type: string}
        last_inference:
          type: integer
          description: Milliseconds since the epoch; 0 before the first.
        inference_count: {type: integer}
        execution_count: {type: integer}
        inference_stats:
          type: object
          description: Per request; the three compute counts are always equal. No response cache, so cache_hit and cache_miss stay 0.
          required: [success, fail, queue, compute_input, compute_infer, compute_output, cache_hit, cache_miss]
          properties:
            success: {$ref: "#/components/schemas/KServeDuration"}
            fail: {$ref: "#/components/schemas/KServeDuration"}
            queue: {$ref: "#/components/schemas/KServeDuration"}
            compute_input: {$ref: "#/components/schemas/KServeDuration"}
            compute_infer: {$ref: "#/components/schemas/KServeDuration"}
            compute_output: {$ref: "#/components/schemas/KServeDuration"}
            cache_hit: {$ref: "#/components/schemas/KServeDuration"}
            cache_miss: {$ref: "#/components/schemas/KServeDuration"}
        response_stats:
          type: object
          description: Always empty (no decoupled models).
        batch_stats:
          type: array
          description: Runs of the model by batch size (a dynamic batch is one run).
          items:
            type: object
            required: [batch_size, compute_input, compute_infer, compute_output]
            properties:
              batch_size: {type: integer}
              compute_input: {$ref: "#/components/schemas/KServeDuration"}
              compute_infer: {$ref: "#/components/schemas/KServeDuration"}
              compute_output: {$ref: "#/components/schemas/KServeDuration"}
        memory_usage:
          type: array
          description: Always empty.
          items: {type: object}
    KServeModelStatsList:
      type: object
      required: [model_stats]
      properties:
        model_stats:
          type: array
          items: {$ref: "#/components/schemas/KServeModelStat"}
    KServeTensorData:
      description: Flat or nested (row-major) array of booleans, numbers or strings. Floating-point tensors also take the bare tokens NaN, Infinity and -Infinity (not JSON, but what Triton reads and writes) and the strings "NaN", "Infinity", "-Infinity".
      type: array
      items:
        anyOf:
          - type: [boolean, number, string]
          - $ref: "#/components/schemas/KServeTensorData"
    KServeInferInput:
      type: object
      required: [name, shape, datatype]
      properties:
        name: {type: string}
        shape:
          type: array
          items: {type: integer, minimum: 0}
        datatype: {$ref: "#/components/schemas/KServeDatatype"}
        parameters:
          $ref: "#/components/schemas/KServeParameters"
          description: binary_data_size for binary inputs.
        data: {$ref: "#/components/schemas/KServeTensorData"}
    KServeInferRequest:
      type: object
      required: [inputs]
      properties:
        id: {type: string}
        parameters:
          $ref: "#/components/schemas/KServeParameters"
          description: timeout (µs), binary_data_output, score_threshold, iou_threshold, max_detections.
        inputs:
          type: array
          items: {$ref: "#/components/schemas/KServeInferInput"}
        outputs:
          type: array
          items:
            type: object
            required: [name]
            properties:
              name: {type: string}
              parameters:
                $ref: "#/components/schemas/KServeParameters"
                description: binary_data.
    KServeInferOutput:
      type: object
      required: [name, datatype, shape]
      properties:
        name: {type: string}
        datatype: {$ref: "#/components/schemas/KServeDatatype"}
        shape: {$ref: "#/components/schemas/Shape"}
        parameters:
          type: object
          description: binary_data_size of a binary output.
          properties:
            binary_data_size: {type: integer}
        data:
          type: array
          description: Flat, row-major; absent for binary outputs. Non-finite floats are the bare tokens NaN, Infinity, -Infinity, as Triton writes them.
          items: {type: [boolean, number, string]}
    KServeInferResponse:
      type: object
      required: [model_name, model_version, outputs]
      properties:
        model_name: {type: string}
        model_version: {type: string}
        id:
          type: string
          description: The request's id, when it had one.
        outputs:
          type: array
          items: {$ref: "#/components/schemas/KServeInferOutput"}
    KServeRepositoryIndexRequest:
      type: object
      properties:
        ready:
          type: boolean
          description: Only ready models.
    KServeRepositoryEntry:
      type: object
      required: [name, state, reason]
      properties:
        name: {type: string}
        version:
          type: string
          description: Absent for models of the models root that are not loaded.
        state: {type: string, enum: [READY, LOADING, UNLOADING, UNAVAILABLE]}
        reason: {type: string}
    KServeRepositoryLoadRequest:
      type: object
      properties:
        parameters:
          type: object
          description: >
            `config`: a JSON string with model_path, device, labels, options;
            `file:<path>`: a model file in base64.
          additionalProperties:
            type: [boolean, number, string]
    KServeRepositoryUnloadRequest:
      type: object
      properties:
        parameters: {$ref: "#/components/schemas/KServeParameters"}
"""#
}
