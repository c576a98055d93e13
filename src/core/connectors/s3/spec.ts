import type { ConnectorSpec } from '../types';
import { previewableFile } from './formats';

const auth = (values: string[]) => ({ field: 'authType', values });

/** Amazon S3 and S3-compatible stores (MinIO, R2, Ceph, GCS's S3 interface). */
export const s3Spec: ConnectorSpec = {
  type: 's3',
  label: 'Amazon S3 and compatible',
  icon: 'archive',
  credentialType: 'aws',
  fields: [
    { name: 'region', label: 'Region', kind: 'string', default: 'us-east-1', placeholder: 'eu-central-1' },
    { name: 'bucket', label: 'Bucket', kind: 'string', help: 'Empty: every bucket these credentials may list.' },
    {
      name: 'authType',
      label: 'Sign in with',
      kind: 'enum',
      default: 'keys',
      options: [
        { value: 'keys', label: 'Access key and secret' },
        { value: 'profile', label: 'A profile from ~/.aws/config and credentials' },
        { value: 'default', label: 'The default credential chain (environment, SSO, instance role)' },
      ],
    },
    // Signing in with a key needs the key: a connection without one is refused when saved, not when used.
    { name: 'accessKeyId', label: 'Access key ID', kind: 'string', required: true, visibleWhen: auth(['keys']) },
    {
      name: 'secretAccessKey',
      label: 'Secret access key',
      kind: 'secret',
      secret: true,
      required: true,
      visibleWhen: auth(['keys']),
    },
    {
      name: 'sessionToken',
      label: 'Session token',
      kind: 'secret',
      secret: true,
      help: 'Only for temporary credentials.',
      visibleWhen: auth(['keys']),
    },
    { name: 'profile', label: 'Profile', kind: 'string', default: 'default', visibleWhen: auth(['profile']) },
    {
      name: 'endpoint',
      label: 'Endpoint URL',
      kind: 'url',
      advanced: true,
      help: 'For an S3-compatible store (MinIO, R2, Ceph); empty for AWS.',
    },
    {
      name: 'forcePathStyle',
      label: 'Path-style addressing',
      kind: 'boolean',
      advanced: true,
      help: 'endpoint/bucket/key instead of bucket.endpoint/key (most S3-compatible stores).',
    },
  ],
  capabilities: ['catalogs', 'files', 'cloudSchema', 'preview'],
  objectUriScheme: 's3',
  previewableFiles: previewableFile,
  hierarchy: {
    children: {
      connection: ['bucket'],
      bucket: ['prefix', 'object'],
      prefix: ['prefix', 'object'],
      object: ['column'],
    },
    paged: ['prefix', 'object'],
    searchable: ['prefix', 'object'],
  },
  load: () => import('./driver'),
};
