public import IAMConfiguration
import IAMStore
public import Logging
import ManagementHTTP
import ServiceLifecycle

/// Opens the store and runs `iam pump` with its health listener until SIGTERM or SIGINT.
public enum PumpProcess {
    public static func run(configuration: PumpConfiguration, logger: Logger) async throws {
        try await StoreProcess.run(store: configuration.store, dataDirectory: configuration.dataDirectory, logger: logger) { opened, location in
            let metrics = PumpMetrics()
            var listeners: [any Service] = []
            var sinks: [(SinkConfiguration, any AuditSink)] = []
            var archives: [SinkConfiguration] = []
            for sink in configuration.effectiveSinks {
                switch sink.type {
                case "csv":
                    sinks.append((sink, HourlyFileSink(directory: sink.meta["csv_dir"]!, format: .csv)))
                case "jsonl":
                    sinks.append((sink, HourlyFileSink(directory: sink.meta["dir"] ?? sink.meta["csv_dir"]!, format: .jsonLines)))
                case "postgres", "archive":
                    archives.append(sink)
                case "prometheus":
                    let prometheus = PrometheusSink()
                    sinks.append((sink, prometheus))
                    listeners.append(try ManagementListener(
                        address: sink.meta["listen_address"]!, routes: [.metrics(sink.meta["path"] ?? "/metrics") { prometheus.text }],
                        logger: logger))
                default:
                    sinks.append((sink, StdoutSink()))
                }
            }
            listeners.append(try ManagementListener(
                address: configuration.healthCheckAddress,
                routes: [.health(configuration.healthCheckPath), .metrics("/metrics") { metrics.text }], logger: logger))
            var pump = PumpService(
                store: opened.store, sinks: sinks, archives: archives, omitDetailedRecording: configuration.omitDetailedRecording,
                batchSize: configuration.batchSize, purgeDelay: .seconds(configuration.purgeDelaySeconds), metrics: metrics, logger: logger)
            if case .sqlite(let path) = location { pump.lockPath = path + ".pump.lock" }
            return [opened.service == nil ? pump : MigrateThen(store: opened.store, service: pump)] + listeners
        }
    }
}
