// Public entry of @iot-task/mock-server.
export { createMockServer, type MockServer, type MockServerOptions } from './createMockServer.ts';
export {
  type CliIo,
  describeMockServer,
  MOCK_SERVER_USAGE,
  parseMockServerArgs,
  runMockServerCli,
  UsageError,
} from './runMockServerCli.ts';
