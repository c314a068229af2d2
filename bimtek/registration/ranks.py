"""Pangkat/golongan choices of the registration form (every code's label lives in bimtek.core.labels)."""

# PNS pangkat/golongan, 17 steps (PP 99/2000); PPPK and non-ASN may type their own.
RANKS = (
    "Juru Muda (I/a)", "Juru Muda Tingkat I (I/b)", "Juru (I/c)", "Juru Tingkat I (I/d)",
    "Pengatur Muda (II/a)", "Pengatur Muda Tingkat I (II/b)", "Pengatur (II/c)", "Pengatur Tingkat I (II/d)",
    "Penata Muda (III/a)", "Penata Muda Tingkat I (III/b)", "Penata (III/c)", "Penata Tingkat I (III/d)",
    "Pembina (IV/a)", "Pembina Tingkat I (IV/b)", "Pembina Utama Muda (IV/c)", "Pembina Utama Madya (IV/d)",
    "Pembina Utama (IV/e)",
)  # fmt: skip
