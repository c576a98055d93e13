import { ConnectionError, errorMessage } from '../../errors';

/** S3's error codes in the user's words. */
export function mapS3Error(error: unknown, safe: (text: string) => string, where: string): ConnectionError {
  if (ConnectionError.is(error)) return error;
  const e = error as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
    $response?: { headers?: Record<string, string> };
    BucketRegion?: unknown;
  };
  const code = typeof e.name === 'string' ? e.name : '';
  const message = safe(typeof e.message === 'string' ? e.message : errorMessage(error));
  switch (code) {
    case 'InvalidAccessKeyId':
      return new ConnectionError('auth_failed', `S3 does not know this access key ID (${where}).`);
    case 'SignatureDoesNotMatch':
      return new ConnectionError('auth_failed', `S3 refused the secret access key for this access key ID (${where}).`);
    case 'ExpiredToken':
    case 'InvalidToken':
      return new ConnectionError(
        'auth_failed',
        `S3 refused the session token: it has expired or is not valid (${where}).`,
      );
    case 'AccessDenied':
    case 'AllAccessDisabled':
      return new ConnectionError('auth_failed', `These credentials may not do this on ${where} (AccessDenied).`);
    case 'NoSuchBucket':
      return new ConnectionError('not_found', `There is no bucket ${where}.`);
    case 'NoSuchKey':
    case 'NotFound':
      return new ConnectionError('not_found', `There is no such object in ${where}.`);
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed': {
      const region =
        e.$response?.headers?.['x-amz-bucket-region'] ??
        (typeof e.BucketRegion === 'string' ? e.BucketRegion : undefined);
      return new ConnectionError(
        'invalid_config',
        `The bucket ${where} is in another region${region ? `: ${region}` : ''}. Set the connection's region${region ? ` to ${region}` : ''}.`,
        {
          field: 'region',
        },
      );
    }
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|socket hang up/i.test(message)) {
    return new ConnectionError('unreachable', `The S3 endpoint could not be reached: ${message}`);
  }
  return new ConnectionError('query_failed', message);
}
