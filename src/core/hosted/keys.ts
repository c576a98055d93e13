/** Where the sign-in is kept in secret storage (one entry: tokens or an API key). */
export const hostedAuthKey = 'planasonix.hosted.auth';
