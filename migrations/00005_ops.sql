-- Operations: the contracts notebook (balance computed here), the backup history, and the index
-- the audit viewer needs to filter by entity in date order.

create table contracts (
  id bigint generated always as identity primary key,
  executor_name text not null check (length(trim(executor_name)) > 0),
  contract_number text not null check (length(trim(contract_number)) > 0),
  valid_until date,
  contract_amount numeric(16, 2) not null default 0 check (contract_amount >= 0),
  spent_amount numeric(16, 2) not null default 0 check (spent_amount >= 0),
  balance numeric(16, 2) generated always as (contract_amount - spent_amount) stored,
  current_balance numeric(16, 2),
  notes text,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by bigint references users (id)
);
create index contracts_executor_idx on contracts (lower(executor_name), id);
create index contracts_valid_until_idx on contracts (valid_until);
create index contracts_updated_by_idx on contracts (updated_by);

create table backups (
  id bigint generated always as identity primary key,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  kind text not null check (kind in ('manual', 'scheduled', 'pre_migration', 'cli')),
  status text not null check (status in ('running', 'ok', 'error', 'deleted')),
  file_name text,
  size_bytes bigint,
  sha256 text,
  error text,
  created_by bigint references users (id),
  created_by_name text
);
create index backups_started_idx on backups (started_at desc);
create index backups_status_idx on backups (status, started_at);
create index backups_created_by_idx on backups (created_by);

create index audit_log_entity_at_idx on audit_log (entity, at desc);
create index audit_log_username_idx on audit_log (lower(username), at desc);
