import { Type } from 'typebox';
import { ErrorCodes, type ErrorCode } from './errors.js';

export const ErrorResponse = Type.Object(
  {
    code: Type.Unsafe<ErrorCode>({ type: 'string', enum: Object.keys(ErrorCodes), description: 'Stable error code' }),
    message: Type.String({ description: 'What went wrong, for people' }),
  },
  { additionalProperties: false },
);
