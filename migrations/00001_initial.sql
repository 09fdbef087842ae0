-- Foundation: departments (reference data), users, settings, the append-only audit log.

create table departments (
  code text primary key check (code ~ '^[a-z][a-z0-9_]*$'),
  label text not null unique check (length(trim(label)) > 0),
  sort_order integer not null default 0
);

insert into departments (code, label, sort_order) values
  ('gruppa_sm', 'Группа СМ', 1),
  ('gtl', 'ГТЛ', 2),
  ('lbr', 'ЛБР', 3),
  ('ltr', 'ЛТР', 4),
  ('es', 'ЭС', 5),
  ('lhaiei', 'ЛХАиЭИ', 6),
  ('ogmk', 'ОГМК', 7),
  ('oii', 'ОИИ', 8),
  ('ooops', 'ОООПС', 9),
  ('smtsik', 'СМТСиК', 10),
  ('soii', 'СОИИ', 11),
  ('to', 'ТО', 12),
  ('ts', 'ТС', 13);

create table users (
  id bigint generated always as identity primary key,
  username text not null check (username ~ '^[A-Za-z0-9._-]{2,64}$'),
  full_name text not null default '',
  department text references departments (code) on update cascade,
  role text not null check (role in ('admin', 'laborant')),
  active boolean not null default true,
  password_hash text not null,
  failed_logins integer not null default 0,
  locked_until timestamptz,
  token_version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_laborant_has_department check (role = 'admin' or department is not null)
);
create unique index users_username_key on users (lower(username));
create index users_department_idx on users (department);

create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by bigint references users (id)
);
create index settings_updated_by_idx on settings (updated_by);

create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  user_id bigint references users (id),
  username text,
  action text not null,
  entity text not null,
  entity_id text,
  changes jsonb,
  ip text
);
create index audit_log_at_idx on audit_log (at desc);
create index audit_log_entity_idx on audit_log (entity, entity_id);
create index audit_log_user_idx on audit_log (user_id, at desc);
create index audit_log_action_idx on audit_log (action, at desc);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end
$$;
create trigger audit_log_no_update_delete
  before update or delete on audit_log
  for each row execute function audit_log_append_only();
