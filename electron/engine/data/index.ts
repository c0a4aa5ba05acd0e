/** Moving the data: streamed copies from the box into managed targets, and proof that they are equal. */
export { assertVerified, copyData, MEMCACHED_NOTE, verifyData, type CopyJob, type DataJob } from './copy-data.js';
export { copyMysql, type MysqlCopyOptions } from './copy-mysql.js';
export { copyPostgres, type PgCopyOptions } from './copy-postgres.js';
export { copyRedis, type RedisCopyOptions } from './copy-redis.js';
export { verifyMysql, type MysqlVerifyOptions } from './verify-mysql.js';
export { verifyPostgres, type PgVerifyOptions } from './verify-postgres.js';
export { verifyRedis, type RedisVerifyOptions } from './verify-redis.js';
