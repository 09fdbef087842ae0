-- Rate limits shared by every server replica (runtime/rate-limit.ts): one row per counted request
-- under its key ('login:<address>', 'documents:<user id>', …). A key's rows older than its window
-- are removed as it is hit; rows of keys no longer hit are swept after an hour.
create table rate_limit_hits (
  key text not null,
  at timestamptz not null
);
create index rate_limit_hits_key_at_idx on rate_limit_hits (key, at);
create index rate_limit_hits_at_idx on rate_limit_hits (at);
