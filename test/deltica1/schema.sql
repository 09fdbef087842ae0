-- The database of Deltica 1.x as a branch runs it (PostgreSQL, schema public), built from its
-- description for the migration tool's tests and benchmark. The file-type enum is created by
-- the test in one of its two variants (see deltica1-fixture.ts): this file expects it to exist.

create type equipment_type_enum as enum ('SI', 'IO');
create type verification_type_enum as enum ('calibration', 'verification', 'certification');
create type verification_state_enum as enum
  ('state_work', 'state_storage', 'state_verification', 'state_repair', 'state_archived');
create type verification_status_enum as enum
  ('status_fit', 'status_expired', 'status_expiring', 'status_storage', 'status_verification',
   'status_repair');
create type user_role_enum as enum ('admin', 'laborant');
create type backup_status_enum as enum ('success', 'failed');

create table equipment (
  id serial primary key,
  equipment_name varchar not null,
  equipment_model varchar not null,
  equipment_type equipment_type_enum not null,
  equipment_specs varchar,
  factory_number varchar not null,
  inventory_number varchar not null,
  equipment_year integer not null
);

create table verification (
  id serial primary key,
  equipment_id integer not null references equipment (id) on delete cascade,
  verification_type verification_type_enum not null,
  registry_number varchar,
  verification_interval integer not null,
  verification_date date not null,
  verification_due date generated always as
    ((verification_date + make_interval(months => verification_interval) - interval '1 day')::date) stored,
  verification_plan date not null,
  verification_state verification_state_enum not null,
  status verification_status_enum not null
);

create table responsibility (
  id serial primary key,
  equipment_id integer not null references equipment (id) on delete cascade,
  department varchar not null,
  responsible_person varchar not null,
  verifier_org varchar not null
);

create table finance (
  id serial primary key,
  equipment_model_id integer not null references equipment (id) on delete cascade,
  budget_item varchar not null,
  code_rate varchar,
  cost_rate double precision,
  quantity integer not null,
  coefficient double precision default 1,
  total_cost double precision,
  invoice_number varchar,
  paid_amount double precision,
  payment_date date
);

create table equipment_files (
  id serial primary key,
  equipment_id integer not null references equipment (id) on delete cascade,
  file_name varchar not null,
  file_path varchar not null,
  file_type file_type_enum not null,
  file_size integer not null,
  uploaded_at timestamptz default now(),
  is_active_certificate boolean default false,
  sort_order integer default 0
);

create table archived_equipment (
  id serial primary key,
  original_id integer not null,
  equipment_name varchar not null,
  equipment_model varchar not null,
  equipment_type equipment_type_enum not null,
  equipment_specs varchar,
  factory_number varchar not null,
  inventory_number varchar not null,
  equipment_year integer not null,
  archived_at timestamptz not null,
  archive_reason varchar,
  archived_by varchar
);

create table archived_verification (
  id serial primary key,
  archived_equipment_id integer not null references archived_equipment (id) on delete cascade,
  original_equipment_id integer not null,
  verification_type verification_type_enum not null,
  registry_number varchar,
  verification_interval integer not null,
  verification_date date not null,
  verification_due date,
  verification_plan date not null,
  verification_state verification_state_enum not null,
  status verification_status_enum not null
);

create table archived_responsibility (
  id serial primary key,
  archived_equipment_id integer not null references archived_equipment (id) on delete cascade,
  original_equipment_id integer not null,
  department varchar not null,
  responsible_person varchar not null,
  verifier_org varchar not null
);

create table archived_finance (
  id serial primary key,
  archived_equipment_id integer not null references archived_equipment (id) on delete cascade,
  original_equipment_id integer not null,
  budget_item varchar not null,
  code_rate varchar,
  cost_rate double precision,
  quantity integer not null,
  coefficient double precision default 1,
  total_cost double precision,
  invoice_number varchar,
  paid_amount double precision,
  payment_date date
);

create table archived_equipment_files (
  id serial primary key,
  archived_equipment_id integer not null references archived_equipment (id) on delete cascade,
  original_equipment_id integer not null,
  file_name varchar not null,
  file_path varchar not null,
  file_type file_type_enum not null,
  file_size integer not null,
  uploaded_at timestamptz not null,
  sort_order integer default 0
);

create table users (
  id serial primary key,
  username varchar not null unique,
  password_hash varchar,
  windows_username varchar unique,
  full_name varchar not null,
  department varchar not null,
  role user_role_enum not null,
  is_active boolean not null default true,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create table pinned_documents (
  id serial primary key,
  file_name varchar not null,
  file_path varchar not null,
  file_size integer not null,
  uploaded_at timestamptz not null,
  uploaded_by varchar not null
);

create table contracts (
  id serial primary key,
  executor_name varchar not null,
  contract_number varchar not null,
  valid_until date not null,
  contract_amount double precision not null,
  spent_amount double precision not null default 0,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create table backup_history (
  id serial primary key,
  file_name varchar,
  file_path varchar,
  file_size integer,
  created_at timestamptz default now(),
  created_by varchar,
  status backup_status_enum,
  error_message varchar
);

create table alembic_version (version_num varchar(32) not null primary key);
insert into alembic_version values ('a1b2c3d4e5f6');
