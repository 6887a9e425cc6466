package org.veilswarm.node.impl;
