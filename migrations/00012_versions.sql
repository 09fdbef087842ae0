-- Every editable record carries `version` (docs/api-conventions.md): users, departments and the
-- settings. An edit sends the version it read; a stale one gets the one 409 body (domain/stale.ts),
-- which names who changed the record last and when — hence `updated_by` / `updated_at` where
-- they were missing.
alter table users
  add column version integer not null default 1,
  add column updated_by bigint references users (id) on delete set null;
create index users_updated_by_idx on users (updated_by);

alter table departments
  add column version integer not null default 1,
  add column updated_at timestamptz not null default now(),
  add column updated_by bigint references users (id) on delete set null;
create index departments_updated_by_idx on departments (updated_by);

-- The settings are edited as one form, so the set has one version: the single row of this table.
create table settings_meta (
  id boolean primary key default true check (id),
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  updated_by bigint references users (id) on delete set null
);
create index settings_meta_updated_by_idx on settings_meta (updated_by);
insert into settings_meta (id) values (true);
