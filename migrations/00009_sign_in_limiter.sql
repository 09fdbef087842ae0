-- The sign-in limiter (domain/users/limiter.ts): guesses at a password counted per account and
-- client address (address = the address) and per account across addresses (address = ''),
-- for names that exist and names that do not alike. A row counts while `until` is in the
-- future; `until` is the end of its window, or of its lock once `attempts` reached the limit.
create table sign_in_attempts (
  account text not null,
  address text not null,
  attempts integer not null,
  until timestamptz not null,
  primary key (account, address)
);
create index sign_in_attempts_until_idx on sign_in_attempts (until);
