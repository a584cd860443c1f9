/** First import of main.ts: OpenTelemetry (when OTEL_* asks for it) must patch http, undici and cassandra-driver before they load. */
import { startTracing } from '../../../common/tracing';

export const tracing = startTracing('payments');
