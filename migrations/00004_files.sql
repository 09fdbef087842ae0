-- Files: documents attached to an instrument (one id space for both categories, kept through
-- archive and restore because the instrument stays in place) and the branch-wide pinned PDFs.
-- The bytes live on disk under DATA_DIR/uploads (runtime/uploads.ts); rows name them.

create table equipment_file (
  id bigint generated always as identity primary key,
  equipment_id bigint not null references equipment (id) on delete cascade,
  category text not null check (category in ('verification_docs', 'general_docs')),
  original_name text not null check (length(original_name) between 1 and 255),
  storage_name text not null unique check (storage_name ~ '^[0-9a-f-]{36}\.[a-z]{3,4}$'),
  size bigint not null check (size > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  mime text not null,
  pinned boolean not null default false,
  position integer not null,
  uploaded_at timestamptz not null default now(),
  uploaded_by bigint references users (id)
);
-- the list in user order, and "next position" on upload
create index equipment_file_order_idx on equipment_file (equipment_id, position, id);
create index equipment_file_pinned_idx on equipment_file (equipment_id) where pinned;
create index equipment_file_uploaded_by_idx on equipment_file (uploaded_by);

create table pinned_document (
  id bigint generated always as identity primary key,
  original_name text not null check (length(original_name) between 1 and 255),
  storage_name text not null unique check (storage_name ~ '^[0-9a-f-]{36}\.pdf$'),
  size bigint not null check (size > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  uploaded_at timestamptz not null default now(),
  uploaded_by bigint references users (id)
);
create index pinned_document_uploaded_idx on pinned_document (uploaded_at desc, id desc);
create index pinned_document_uploaded_by_idx on pinned_document (uploaded_by);
