// Public entry of @iot-task/react.
export { queryTaskOptions, queryTaskQueryKey } from './generated/QueryTask/react-query.gen.ts';
