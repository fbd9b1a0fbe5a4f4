import { scenarios } from '@iot-task/msw';
import { EXIT } from './exitCodes.ts';

export const USAGE = `Usage: iot-task <command> [options]

Commands:
  query <TaskId>        print one device's task (作业)
  watch <TaskId>        poll until the task reaches a terminal status
  mock [options]        run the mock server standalone (see iot-task mock --help)

Options for query and watch:
  --mock [scenario]     run against an embedded mock server on loopback, with test credentials;
                        scenario: ${scenarios.join(', ')} (default succeeds)
  --region <id>         region of the endpoint (default $ALIBABA_CLOUD_REGION_ID or cn-shanghai)
  --endpoint <url>      endpoint host or URL, instead of the region's
  --instance <id>       IotInstanceId, for an instance that has an ID
  --format <json|xml>   wire format (default json); the output is the same
  --signature <v3|v1>   ACS3-HMAC-SHA256 (default) or RPC HMAC-SHA1
  --method <POST|GET>   HTTP method (default POST)
  --json                print exactly the typed result as JSON
  --timeout <ms>        query: per-call deadline (default 15000); watch: give up after (default 600000)
  --interval <ms>       watch: first wait between polls (default 1000)
  -h, --help            show this help
  -v, --version         print the version

Credentials (without --mock) come from the environment only, never from the command line (where
every local user could read them in \`ps\`): ALIBABA_CLOUD_ACCESS_KEY_ID,
ALIBABA_CLOUD_ACCESS_KEY_SECRET, and ALIBABA_CLOUD_SECURITY_TOKEN for STS tokens.

The account's quota (5 requests a second per API, shared by all its RAM users) is kept in this
process, unless IOT_TASK_QUOTA_REDIS_URL names a Redis (redis://[:password@]host:port) through
which every process of the account shares it; IOT_TASK_QUOTA_ACCOUNT names the account (default:
the AccessKey ID). Without --mock only.

Exit codes:
  ${EXIT.ok}    query printed the task; watch saw SUCCEEDED
  ${EXIT.error}    the API answered with an error, or could not be reached
  ${EXIT.usage}    bad command line or input (no command at all, too); nothing was sent
  ${EXIT.credentials}    no usable credentials
  ${EXIT.waitTimeout}    watch gave up (--timeout) before a terminal status
  ${EXIT.unknownStatus}    watch met a status the spec does not list (whether the task ended is unknown)
  ${EXIT.FAILED}   FAILED     ${EXIT.REJECTED}   REJECTED     ${EXIT.TIMED_OUT}   TIMED_OUT     ${EXIT.CANCELLED}   CANCELLED
  ${EXIT.interrupted}  interrupted (SIGINT, Ctrl+C)   ${EXIT.terminated}  terminated (SIGTERM)
  ${EXIT.brokenPipe}  the output's reader went away (e.g. | head -1): stopped quietly
  (iot-task mock exits 0 when a signal stops it, and serves on when its output's reader goes away)

Examples:
  iot-task watch 'MSnT9***q010101' --mock
  iot-task query 'MSnT9***q010101' --region cn-shanghai --json`;
